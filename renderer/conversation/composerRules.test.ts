import { describe, expect, it } from 'vitest';
import { countsAsXPost, placeholdersLeft, replyTargets, searchTemplates, templateValues } from './composerRules';
import { parseRows, TemplateSchema } from './rows';
import { collisionText, evidenceFields } from './words';

describe('composer rules', () => {
  it('offers public and private on public channels, one way back elsewhere', () => {
    expect(replyTargets('x_public').map((t) => t.visibility)).toEqual(['public', 'private']);
    expect(replyTargets('facebook').map((t) => t.label)).toEqual(['Public reply', 'Private message']);
    expect(replyTargets('email')).toEqual([{ visibility: 'private', label: 'Email reply' }]);
    expect(replyTargets('voice')).toEqual([{ visibility: 'private', label: 'Call script' }]);
  });

  it('counts X’s post limit only on public X posts', () => {
    expect(countsAsXPost('x_public', 'public')).toBe(true);
    expect(countsAsXPost('x_public', 'private')).toBe(false);
    expect(countsAsXPost('x_dm', 'private')).toBe(false);
    expect(countsAsXPost('facebook', 'public')).toBe(false);
  });

  it('fills the first name, the agent and their initials, and the case', () => {
    expect(templateValues({ customerName: ' Jordan  Miles ', agentName: 'Dana Reyes', conversationId: 'c-1' })).toEqual(
      {
        firstName: 'Jordan',
        agentName: 'Dana Reyes',
        agentInitials: 'DR',
        caseId: 'c-1',
      },
    );
    expect(templateValues({ customerName: '', agentName: '', conversationId: 'c-1' }).firstName).toBe('');
  });

  it('lists the variables still to write', () => {
    expect(placeholdersLeft('Hi {firstName}, order { orderNumber } is late')).toEqual(['firstName', 'orderNumber']);
    expect(placeholdersLeft('Hi Jordan {}')).toEqual([]);
  });

  it('finds approved answers by title or topic, and drops unreadable rows', () => {
    const templates = parseRows(TemplateSchema, [
      { id: 'a', title: 'Refund status', topic: 'refunds', renderings: { chat: 'x', bogus: 1, email: 2 } },
      { id: 'b', title: 'Damaged baggage', topic: 'baggage', renderings: {} },
      { id: 'c', topic: 'baggage' },
    ]);
    expect(templates.map((t) => t.id)).toEqual(['a', 'b']);
    expect(templates[0]!.renderings).toEqual({ chat: 'x' });
    expect(searchTemplates(templates, 'BAG').map((t) => t.id)).toEqual(['b']);
    expect(searchTemplates(templates, 'refund status').map((t) => t.id)).toEqual(['a']);
    expect(searchTemplates(templates, '').map((t) => t.id)).toEqual(['b', 'a']);
  });
});

describe('words', () => {
  it('says who else is in the conversation', () => {
    expect(collisionText([])).toBe('');
    expect(collisionText([{ agentId: 'a', name: 'Maya Chen', typing: true }])).toBe('Maya Chen is typing a reply.');
    expect(
      collisionText([
        { agentId: 'a', name: 'Maya Chen', typing: false },
        { agentId: 'b', name: 'Sam Ortiz', typing: false },
        { agentId: 'c', name: '', typing: false },
      ]),
    ).toBe('Maya Chen, Sam Ortiz and Another agent are also viewing.');
  });

  it('reads any evidence item as label and text', () => {
    expect(evidenceFields({ type: 'mentioned_phone', value: '+44 20', at: { n: 1 } })).toEqual([
      ['Type', 'Mentioned phone'],
      ['Value', '+44 20'],
      ['At', '{"n":1}'],
    ]);
    expect(evidenceFields('<img src=x>')).toEqual([['Evidence', '<img src=x>']]);
    expect(evidenceFields(null)).toEqual([['Evidence', '']]);
  });
});
