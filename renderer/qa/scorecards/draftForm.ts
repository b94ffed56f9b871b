import type { z } from 'zod';
import type { Channel } from '../../../shared/domain';
import {
  ScorecardDraftInputSchema,
  ScorecardVersionSchema,
  type AutoCheck,
  type MessageKind,
  type Scale,
  type ScorecardDraftInput,
  type Section,
} from '../../../shared/qa/scorecard';

/**
 * The scorecard editor's form: what the lead typed, kept as typed (a weight is text until saved),
 * turned into a `ScorecardDraftInput` only when saving. A criterion or section loaded from the
 * server keeps its id whatever its label becomes; a new one gets a slug of its label, unique within
 * the card, fixed once the draft is saved.
 */

export interface CriterionForm {
  /** React's key: stable while the lead reorders. */
  key: string;
  /** Its id on the server; null until the draft holding it is saved. */
  id: string | null;
  label: string;
  guidance: string;
  weight: string;
  scale: Scale;
  allowNa: boolean;
  critical: boolean;
  channels: Channel[];
  messageKinds: MessageKind[];
  auto: AutoCheck | null;
}

export interface SectionForm {
  key: string;
  id: string | null;
  title: string;
  criteria: CriterionForm[];
}

export interface DraftForm {
  name: string;
  sections: SectionForm[];
}

/** Field path (as zod names it, e.g. `sections.0.criteria.1.weight`) to what is wrong, in words. */
export type DraftProblems = Record<string, string>;

let keys = 0;
const newKey = (prefix: string) => `${prefix}-${++keys}`;

export function emptyCriterion(): CriterionForm {
  return {
    key: newKey('criterion'),
    id: null,
    label: '',
    guidance: '',
    weight: '1',
    scale: 'yes_no',
    allowNa: true,
    critical: false,
    channels: [],
    messageKinds: [],
    auto: null,
  };
}

export function emptySection(): SectionForm {
  return { key: newKey('section'), id: null, title: '', criteria: [emptyCriterion()] };
}

/** A new scorecard starts with one section holding one criterion: a card needs both. */
export function emptyDraft(): DraftForm {
  return { name: '', sections: [emptySection()] };
}

/** The form for a saved version (a draft to go on with, or the newest published one to start from). */
export function draftFromVersion(version: { name: string; sections: readonly Section[] }): DraftForm {
  return {
    name: version.name,
    sections: version.sections.map((section) => ({
      key: newKey('section'),
      id: section.id,
      title: section.title,
      criteria: section.criteria.map((c) => ({
        key: newKey('criterion'),
        id: c.id,
        label: c.label,
        guidance: c.guidance,
        weight: String(c.weight),
        scale: c.scale,
        allowNa: c.allowNa,
        critical: c.critical,
        channels: [...c.channels],
        messageKinds: [...c.messageKinds],
        auto: c.auto ?? null,
      })),
    })),
  };
}

/** "Greets the customer by name" → "greets-the-customer-by-name"; accents dropped, at most 48 characters. */
export function slugify(text: string, fallback: string): string {
  const slug = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, 48)
    .replace(/-+$/, '');
  return slug || fallback;
}

/** Ids for items by key: a saved item keeps its own; a new one gets its slug, numbered when taken. */
function assignIds(items: { key: string; id: string | null; text: string }[], fallback: string): Map<string, string> {
  const taken = new Set(items.flatMap((i) => (i.id ? [i.id] : [])));
  const ids = new Map<string, string>();
  for (const item of items) {
    if (item.id) {
      ids.set(item.key, item.id);
      continue;
    }
    const base = slugify(item.text, fallback);
    let id = base;
    for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
    taken.add(id);
    ids.set(item.key, id);
  }
  return ids;
}

/** "2,5" and "2.5" are both two and a half; an empty box is not a number. */
function parseWeight(text: string): number {
  const trimmed = text.trim().replace(',', '.');
  return trimmed === '' ? Number.NaN : Number(trimmed);
}

export type BuiltDraft =
  { ok: true; input: ScorecardDraftInput; ids: Map<string, string> } | { ok: false; problems: DraftProblems };

/** The draft to send, or every problem by field; checked as the server checks it. */
export function buildDraft(form: DraftForm): BuiltDraft {
  const sectionIds = assignIds(
    form.sections.map((s) => ({ key: s.key, id: s.id, text: s.title })),
    'section',
  );
  const criterionIds = assignIds(
    form.sections.flatMap((s) => s.criteria.map((c) => ({ key: c.key, id: c.id, text: c.label }))),
    'criterion',
  );
  const input = {
    name: form.name.trim(),
    sections: form.sections.map((s) => ({
      id: sectionIds.get(s.key)!,
      title: s.title.trim(),
      criteria: s.criteria.map((c) => ({
        id: criterionIds.get(c.key)!,
        label: c.label.trim(),
        guidance: c.guidance.trim(),
        weight: parseWeight(c.weight),
        scale: c.scale,
        allowNa: c.allowNa,
        critical: c.critical,
        channels: c.channels,
        messageKinds: c.messageKinds,
        ...(c.auto ? { auto: c.auto } : {}),
      })),
    })),
  } satisfies ScorecardDraftInput;

  const parsed = ScorecardDraftInputSchema.safeParse(input);
  const whole = parsed.success
    ? ScorecardVersionSchema.safeParse({ scorecardId: 'draft', version: 1, ...parsed.data })
    : parsed;
  if (!whole.success) return { ok: false, problems: problemsOf(whole.error) };
  return { ok: true, input, ids: new Map([...sectionIds, ...criterionIds]) };
}

/** The form after a save: every section and criterion keeps the id it was saved with. */
export function withSavedIds(form: DraftForm, ids: ReadonlyMap<string, string>): DraftForm {
  return {
    ...form,
    sections: form.sections.map((s) => ({
      ...s,
      id: s.id ?? ids.get(s.key) ?? null,
      criteria: s.criteria.map((c) => ({ ...c, id: c.id ?? ids.get(c.key) ?? null })),
    })),
  };
}

function problemsOf(error: z.ZodError): DraftProblems {
  const problems: DraftProblems = {};
  for (const issue of error.issues) {
    const path = issue.path.map(String);
    // An id is made from a label or title: the problem is shown there.
    if (path.at(-1) === 'id') path[path.length - 1] = path.includes('criteria') ? 'label' : 'title';
    const key = path.join('.');
    problems[key] ??= problemWords(path.at(-1) ?? '', issue);
  }
  return problems;
}

function problemWords(field: string, issue: z.core.$ZodIssue): string {
  const small = issue.code === 'too_small';
  const big = issue.code === 'too_big';
  switch (field) {
    case 'name':
      if (small) return 'Give the scorecard a name.';
      if (big) return 'Keep the name to 200 characters or fewer.';
      break;
    case 'sections':
      if (small) return 'Add at least one section.';
      if (big) return 'A scorecard holds at most 20 sections; remove some.';
      break;
    case 'criteria':
      if (small) return 'Add at least one criterion to this section, or remove the section.';
      if (big) return 'A section holds at most 50 criteria; move some to another section.';
      break;
    case 'title':
      if (small) return 'Give this section a title.';
      if (big) return 'Keep the title to 200 characters or fewer.';
      break;
    case 'label':
      if (issue.code === 'custom') return 'Another criterion of this card has the same id; remove one of the two.';
      if (small) return 'Give this criterion a label.';
      if (big) return 'Keep the label to 200 characters or fewer.';
      break;
    case 'guidance':
      if (big) return 'Keep the guidance to 2,000 characters or fewer.';
      break;
    case 'weight':
      if (issue.code === 'invalid_type') return 'Enter the weight as a number, such as 1 or 2.5.';
      if (small) return 'The weight must be more than 0.';
      if (big) return 'The weight can be at most 100.';
      break;
  }
  return `${issue.message}.`;
}

/** The server's problem list (`sections.0.criteria.1.weight: …`) with places named as the lead sees them. */
export function serverProblemWords(message: string): string {
  return message
    .replace(/\bsections\.(\d+)\.criteria\.(\d+)\.(\w+)/g, (_m, s: string, c: string, field: string) => {
      return `section ${Number(s) + 1}, criterion ${Number(c) + 1}, ${field}`;
    })
    .replace(/\bsections\.(\d+)\.(\w+)/g, (_m, s: string, field: string) => `section ${Number(s) + 1}, ${field}`);
}
