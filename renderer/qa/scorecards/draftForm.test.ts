import { describe, expect, it } from 'vitest';
import { SCORECARD } from '../qaTestKit';
import {
  buildDraft,
  draftFromVersion,
  emptyCriterion,
  emptyDraft,
  serverProblemWords,
  slugify,
  withSavedIds,
  type DraftForm,
} from './draftForm';

const named = (name: string, title: string, labels: string[]): DraftForm => {
  const form = emptyDraft();
  form.name = name;
  form.sections[0]!.title = title;
  form.sections[0]!.criteria = labels.map((label) => ({ ...emptyCriterion(), label }));
  return form;
};

describe('scorecard draft form', () => {
  it('makes slug ids from labels: accents dropped, punctuation folded, at most 48 characters, a fallback when empty', () => {
    expect(slugify('Crème brûlée: “served” warm!', 'criterion')).toBe('creme-brulee-served-warm');
    expect(slugify('!!!', 'criterion')).toBe('criterion');
    expect(slugify('a'.repeat(47) + ' bcd', 'x')).toBe('a'.repeat(47));
  });

  it('numbers a slug taken in the card, and keeps saved ids whatever the label becomes', () => {
    const form = draftFromVersion(SCORECARD);
    form.sections[0]!.criteria[0]!.label = 'Shows empathy';
    form.sections[0]!.criteria.push({ ...emptyCriterion(), label: 'Greeting' });
    form.sections[1]!.criteria.push({ ...emptyCriterion(), label: 'Shows empathy' });
    const built = buildDraft(form);
    if (!built.ok) throw new Error(JSON.stringify(built.problems));
    expect(built.input.sections.map((s) => s.criteria.map((c) => c.id))).toEqual([
      ['greeting', 'empathy', 'greeting-2'],
      ['pii', 'script', 'shows-empathy'],
    ]);

    // Once saved, a new criterion's id stays put when its label changes.
    const saved = withSavedIds(form, built.ids);
    saved.sections[0]!.criteria[2]!.label = 'Says hello';
    const again = buildDraft(saved);
    expect(again.ok && again.input.sections[0]!.criteria[2]!.id).toBe('greeting-2');
  });

  it('round-trips a published version unchanged', () => {
    const built = buildDraft(draftFromVersion(SCORECARD));
    expect(built.ok && built.input).toEqual({ name: SCORECARD.name, sections: SCORECARD.sections });
  });

  it('reads a weight written with a decimal comma, and says in words when it is out of range or too long', () => {
    const form = named('Care', 'Tone', ['Friendly', 'Calm', 'x'.repeat(201)]);
    form.sections[0]!.criteria[0]!.weight = '1,5';
    form.sections[0]!.criteria[1]!.weight = '0';
    form.sections[0]!.criteria[2]!.weight = '101';
    const built = buildDraft(form);
    expect(built.ok).toBe(false);
    expect(!built.ok && built.problems).toEqual({
      'sections.0.criteria.1.weight': 'The weight must be more than 0.',
      'sections.0.criteria.2.label': 'Keep the label to 200 characters or fewer.',
      'sections.0.criteria.2.weight': 'The weight can be at most 100.',
    });
    form.sections[0]!.criteria = form.sections[0]!.criteria.slice(0, 1);
    const ok = buildDraft(form);
    expect(ok.ok && ok.input.sections[0]!.criteria[0]!.weight).toBe(1.5);
  });

  it('asks for a section when the card has none', () => {
    const built = buildDraft({ name: 'Care', sections: [] });
    expect(!built.ok && built.problems).toEqual({ sections: 'Add at least one section.' });
  });

  it('names the places of a server problem as the lead sees them', () => {
    expect(serverProblemWords('sections.1.criteria.0.weight: Too big; sections.2.title: Too small')).toBe(
      'section 2, criterion 1, weight: Too big; section 3, title: Too small',
    );
  });
});
