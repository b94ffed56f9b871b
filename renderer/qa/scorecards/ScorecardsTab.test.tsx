import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import axe from 'axe-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SyncDb } from '../../sync/db';
import { closeQa, type FakeConnection, renderQa } from '../qaTestKit';
import { ScorecardsTab } from './ScorecardsTab';
import { type fakeApi, listedVersions, openScorecardsTab, refused } from './scorecardsTestKit';

const input = (testId: string) => screen.getByTestId<HTMLInputElement>(testId);

/** What the server answers to a saved draft: the draft as sent, as version `version` of `scorecardId`. */
const savedView = (scorecardId: string, version: number) => (body: unknown) => ({
  status: 201,
  body: {
    id: `${scorecardId}@${version}`,
    scorecardId,
    version,
    ...(body as object),
    status: 'draft',
    publishedAt: null,
  },
});

describe('Scorecards and sampling tab: scorecards', () => {
  let db: SyncDb;
  let connection: FakeConnection;
  let api: ReturnType<typeof fakeApi>;
  beforeEach(async () => {
    ({ db, connection, api } = await openScorecardsTab());
  });
  afterEach(() => closeQa(db));

  /** Opens a new scorecard, types one section with one criterion and saves the draft. */
  const saveNewScorecard = async (name: string, section: string, criterion: string) => {
    await userEvent.click(await screen.findByTestId('new-scorecard'));
    await userEvent.type(input('scorecard-name'), name);
    await userEvent.type(input('section-title-0'), section);
    await userEvent.type(input('criterion-label-0-0'), criterion);
    await userEvent.click(screen.getByTestId('save-draft'));
  };

  it('lists each scorecard with its newest published version and a pending draft', async () => {
    renderQa(<ScorecardsTab />, { db, connection });
    const social = await screen.findByTestId('scorecard-row-card-social');
    expect(within(social).getByText('Customer care')).toBeTruthy();
    expect(screen.getByTestId('scorecard-version-card-social').textContent).toMatch(/^Version 2, published /);
    expect(within(social).queryByTestId('scorecard-draft-card-social')).toBeNull();
    expect(within(social).getByRole('button', { name: 'Edit (starts version 3) of “Customer care”' })).toBeTruthy();

    expect(screen.getByTestId('scorecard-version-card-email').textContent).toBe('Not published yet');
    expect(screen.getByTestId('scorecard-draft-card-email').textContent).toBe('Draft of version 1 pending');
    expect(screen.getByTestId('edit-scorecard-card-email').textContent).toBe('Edit draft of “Email etiquette”');
    expect(screen.getByRole('heading', { level: 2 }).textContent).toBe('Scorecards and sampling');
  });

  it('offline, the lists say so and load once online again', async () => {
    api.routes['GET /api/scorecards'] = 'offline';
    api.routes['GET /api/qa/sampling-rules'] = 'offline';
    renderQa(<ScorecardsTab />, { db, connection });
    expect((await screen.findByTestId('scorecards-problem')).textContent).toBe(
      'Scorecards could not be loaded: Cannot reach the Switchboard server at http://127.0.0.1:9. This needs the network; try again once you are online. Try again',
    );
    expect((await screen.findByTestId('sampling-rules-problem')).textContent).toMatch(
      /^Sampling rules could not be loaded: Cannot reach/,
    );
    api.routes['GET /api/scorecards'] = { body: { versions: listedVersions() } };
    await userEvent.click(within(screen.getByTestId('scorecards-problem')).getByRole('button', { name: 'Try again' }));
    await screen.findByTestId('scorecard-row-card-social');
    expect(screen.queryByTestId('scorecards-problem')).toBeNull();
  });

  it('creating a scorecard sends the exact body, with slug ids unique in the card; a renamed criterion keeps its id', async () => {
    api.routes['POST /api/scorecards'] = savedView('card-new', 1);
    api.routes['PUT /api/scorecards/card-new/draft'] = savedView('card-new', 1);
    renderQa(<ScorecardsTab />, { db, connection });
    await userEvent.click(await screen.findByTestId('new-scorecard'));

    await userEvent.type(input('scorecard-name'), '  Phone basics ');
    await userEvent.type(input('section-title-0'), 'Opening');
    await userEvent.type(input('criterion-label-0-0'), 'Thank you for calling');
    await userEvent.type(input('criterion-guidance-0-0'), 'Says the company name.');
    await userEvent.clear(input('criterion-weight-0-0'));
    await userEvent.type(input('criterion-weight-0-0'), '2,5');
    await userEvent.selectOptions(input('criterion-scale-0-0'), '1_5');
    await userEvent.click(input('criterion-allow-na-0-0'));
    await userEvent.click(input('criterion-critical-0-0'));
    await userEvent.click(input('criterion-channel-voice-0-0'));
    await userEvent.click(input('criterion-kind-transcript-0-0'));
    await userEvent.selectOptions(input('criterion-auto-0-0'), 'tone_template');

    await userEvent.click(screen.getByTestId('add-criterion-0'));
    expect(document.activeElement).toBe(input('criterion-label-0-1'));
    await userEvent.type(input('criterion-label-0-1'), 'Thank you for calling!');
    await userEvent.click(screen.getByTestId('add-section'));
    expect(document.activeElement).toBe(input('section-title-1'));
    await userEvent.type(input('section-title-1'), 'Closing');
    await userEvent.type(input('criterion-label-1-0'), 'Offers more help');
    await userEvent.click(input('criterion-channel-x_public-1-0'));
    await userEvent.click(input('criterion-channel-email-1-0'));

    await userEvent.click(screen.getByTestId('save-draft'));
    await screen.findByTestId('scorecard-saved');
    expect(api.writes()).toEqual([
      {
        method: 'POST',
        path: '/api/scorecards',
        body: {
          name: 'Phone basics',
          sections: [
            {
              id: 'opening',
              title: 'Opening',
              criteria: [
                {
                  id: 'thank-you-for-calling',
                  label: 'Thank you for calling',
                  guidance: 'Says the company name.',
                  weight: 2.5,
                  scale: '1_5',
                  allowNa: false,
                  critical: true,
                  channels: ['voice'],
                  messageKinds: ['transcript'],
                  auto: 'tone_template',
                },
                {
                  id: 'thank-you-for-calling-2',
                  label: 'Thank you for calling!',
                  guidance: '',
                  weight: 1,
                  scale: 'yes_no',
                  allowNa: true,
                  critical: false,
                  channels: [],
                  messageKinds: [],
                },
              ],
            },
            {
              id: 'closing',
              title: 'Closing',
              criteria: [
                {
                  id: 'offers-more-help',
                  label: 'Offers more help',
                  guidance: '',
                  weight: 1,
                  scale: 'yes_no',
                  allowNa: true,
                  critical: false,
                  // In the order channels are declared, not the order they were ticked.
                  channels: ['x_public', 'email'],
                  messageKinds: [],
                },
              ],
            },
          ],
        },
      },
    ]);
    expect(screen.getByTestId('scorecard-saved').textContent).toBe(
      'Draft of version 1 saved. Publish it when it is ready.',
    );
    expect(screen.getByRole('heading', { level: 3, name: /Edit “Phone basics”: draft of version 1/ })).toBeTruthy();

    // Saved once, the draft is replaced in place; a criterion renamed keeps the id reviews know it by.
    await userEvent.clear(input('criterion-label-0-0'));
    await userEvent.type(input('criterion-label-0-0'), 'Greets the caller');
    await userEvent.click(screen.getByTestId('criterion-up-0-1'));
    await userEvent.click(screen.getByTestId('save-draft'));
    await waitFor(() => expect(api.writes()).toHaveLength(2));
    const second = api.writes()[1]!;
    expect(second.method).toBe('PUT');
    expect(second.path).toBe('/api/scorecards/card-new/draft');
    const criteria = (second.body as { sections: { criteria: { id: string; label: string }[] }[] }).sections[0]!
      .criteria;
    expect(criteria.map((c) => [c.id, c.label])).toEqual([
      ['thank-you-for-calling-2', 'Thank you for calling!'],
      ['thank-you-for-calling', 'Greets the caller'],
    ]);
  });

  it('shows every problem beside its field and sends nothing', async () => {
    renderQa(<ScorecardsTab />, { db, connection });
    await userEvent.click(await screen.findByTestId('new-scorecard'));
    await userEvent.clear(input('criterion-weight-0-0'));
    await userEvent.type(input('criterion-weight-0-0'), 'heavy');
    await userEvent.click(screen.getByTestId('add-section'));
    await userEvent.click(screen.getByTestId('criterion-remove-1-0'));
    await userEvent.click(screen.getByTestId('save-draft'));

    expect(screen.getByTestId('scorecard-editor-problem').textContent).toBe(
      'Not saved: fix the problems marked below.',
    );
    const problems = {
      name: 'Give the scorecard a name.',
      'sections.0.title': 'Give this section a title.',
      'sections.0.criteria.0.label': 'Give this criterion a label.',
      'sections.0.criteria.0.weight': 'Enter the weight as a number, such as 1 or 2.5.',
      'sections.1.title': 'Give this section a title.',
      'sections.1.criteria': 'Add at least one criterion to this section, or remove the section.',
    };
    for (const [path, text] of Object.entries(problems))
      expect(screen.getByTestId(`problem-${path}`).textContent, path).toBe(text);
    expect(input('scorecard-name').getAttribute('aria-invalid')).toBe('true');
    expect(input('criterion-weight-0-0').getAttribute('aria-describedby')).toBe(
      screen.getByTestId('problem-sections.0.criteria.0.weight').id,
    );
    expect(api.writes()).toEqual([]);

    // Problems follow the form: fixing a field clears its sentence.
    await userEvent.type(input('scorecard-name'), 'Email etiquette');
    expect(screen.queryByTestId('problem-name')).toBeNull();
    expect(input('scorecard-name').getAttribute('aria-invalid')).toBe('false');

    // Publishing checks the same way before asking anything.
    await userEvent.click(screen.getByTestId('publish-scorecard'));
    expect(screen.queryByTestId('publish-dialog')).toBeNull();
    expect(api.writes()).toEqual([]);
  });

  it('a refusal from the server is shown as a sentence and the form keeps what was typed', async () => {
    api.routes['POST /api/scorecards'] = refused(
      'sections.0.criteria.0.label: Too big: expected string to have <=200 characters',
    );
    renderQa(<ScorecardsTab />, { db, connection });
    await saveNewScorecard('Chat care', 'Tone', 'Friendly');

    expect((await screen.findByTestId('scorecard-editor-problem')).textContent).toBe(
      'Not saved: section 1, criterion 1, label: Too big: expected string to have <=200 characters What you entered is still here.',
    );
    expect(input('scorecard-name').value).toBe('Chat care');
    expect(input('section-title-0').value).toBe('Tone');
    expect(input('criterion-label-0-0').value).toBe('Friendly');
    expect(screen.getByRole('heading', { name: 'New scorecard' })).toBeTruthy();
  });

  it('offline, saving says so and keeps the form; once online the same form saves', async () => {
    api.routes['POST /api/scorecards'] = 'offline';
    renderQa(<ScorecardsTab />, { db, connection });
    await saveNewScorecard('Chat care', 'Tone', 'Friendly');
    expect((await screen.findByTestId('scorecard-editor-problem')).textContent).toBe(
      'Not saved: you are offline. Cannot reach the Switchboard server at http://127.0.0.1:9. This needs the network; try again once you are online. What you entered is still here.',
    );
    expect(input('criterion-label-0-0').value).toBe('Friendly');

    api.routes['POST /api/scorecards'] = savedView('card-chat', 1);
    await userEvent.click(screen.getByTestId('save-draft'));
    await screen.findByTestId('scorecard-saved');
    expect(screen.queryByTestId('scorecard-editor-problem')).toBeNull();
    expect(api.writes().map((w) => `${w.method} ${w.path}`)).toEqual(['POST /api/scorecards', 'POST /api/scorecards']);
  });

  it('publishing asks for confirmation, saying past reviews keep their version, then calls the route', async () => {
    api.routes['POST /api/scorecards/card-email/publish'] = {
      body: { ...listedVersions()[2], status: 'published', publishedAt: '2026-11-20T10:00:00.000Z' },
    };
    renderQa(<ScorecardsTab />, { db, connection });
    await userEvent.click(await screen.findByTestId('edit-scorecard-card-email'));
    expect(input('scorecard-name').value).toBe('Email etiquette');
    expect(input('criterion-label-0-1').value).toBe('Shows empathy');

    await userEvent.click(screen.getByTestId('publish-scorecard'));
    const dialog = screen.getByRole('dialog', { name: 'Publish version 1?' });
    expect(dialog.textContent).toContain('Past reviews keep the version they were scored with.');
    expect(api.writes()).toEqual([]);
    await userEvent.click(within(dialog).getByTestId('cancel-publish'));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(api.writes()).toEqual([]);

    await userEvent.click(screen.getByTestId('publish-scorecard'));
    await userEvent.click(screen.getByTestId('confirm-publish'));
    expect((await screen.findByTestId('scorecard-published')).textContent).toBe(
      'Version 1 of “Email etiquette” is published. Reviews already scored keep the version they were scored with.',
    );
    // The draft was saved as it is: only the publish is sent.
    expect(api.writes()).toEqual([{ method: 'POST', path: '/api/scorecards/card-email/publish', body: undefined }]);
    expect(screen.queryByTestId('scorecard-editor')).toBeNull();
  });

  it('editing a published scorecard starts the next version seeded from the newest, keeps ids, and saves before publishing', async () => {
    api.routes['PUT /api/scorecards/card-social/draft'] = savedView('card-social', 3);
    api.routes['POST /api/scorecards/card-social/publish'] = (): { body: unknown } => ({
      body: { ...listedVersions()[1], version: 3, id: 'card-social@3', publishedAt: '2026-11-20T10:00:00.000Z' },
    });
    renderQa(<ScorecardsTab />, { db, connection });
    await userEvent.click(await screen.findByTestId('edit-scorecard-card-social'));
    expect(screen.getByRole('heading', { name: 'Edit “Customer care”: draft of version 3' })).toBeTruthy();
    expect(screen.getByTestId('scorecard-editor').textContent).toContain(
      'Version 2 stays as it is; your changes become version 3 when you publish them.',
    );
    expect(input('criterion-label-0-0').value).toBe('Greets the customer by name');
    expect(input('criterion-critical-1-0').checked).toBe(true);
    expect(input('criterion-channel-voice-1-1').checked).toBe(true);
    expect(input('criterion-auto-0-0').value).toBe('tone_template');

    await userEvent.clear(input('criterion-label-0-0'));
    await userEvent.type(input('criterion-label-0-0'), 'Uses the customer’s name');
    await userEvent.click(screen.getByTestId('section-down-0'));
    await userEvent.click(screen.getByTestId('publish-scorecard'));
    expect(screen.getByRole('dialog').textContent).toContain('The changes in this form are saved first.');
    await userEvent.click(screen.getByTestId('confirm-publish'));
    await screen.findByTestId('scorecard-published');

    const [put, publish] = api.writes();
    expect(put?.method).toBe('PUT');
    expect(put?.path).toBe('/api/scorecards/card-social/draft');
    const body = put?.body as { sections: { id: string; criteria: { id: string; label: string }[] }[] };
    expect(body.sections.map((s) => s.id)).toEqual(['compliance', 'opening']);
    expect(body.sections[1]!.criteria[0]).toMatchObject({ id: 'greeting', label: 'Uses the customer’s name' });
    expect(publish).toEqual({ method: 'POST', path: '/api/scorecards/card-social/publish', body: undefined });
  });

  it('has no serious or critical accessibility problems with the editor open', async () => {
    const { container } = renderQa(<ScorecardsTab />, { db, connection });
    await userEvent.click(await screen.findByTestId('edit-scorecard-card-social'));
    await userEvent.clear(input('criterion-weight-0-0'));
    await userEvent.click(screen.getByTestId('save-draft'));
    await screen.findByTestId('problem-sections.0.criteria.0.weight');
    const results = await axe.run(container, { rules: { 'color-contrast': { enabled: false } } });
    expect(results.passes.map((p) => p.id)).toContain('label');
    const blocking = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(blocking.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  });
});
