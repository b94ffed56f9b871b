/** Field path to what is wrong with it, in words. */
type Problems = Readonly<Record<string, string | undefined>>;

/** The element id of a field's problem text; the field points at it with aria-describedby. */
export const problemId = (formId: string, path: string) => `${formId}-problem-${path.replace(/\./g, '-')}`;

/** What a field with a problem carries: marked invalid and described by the sentence under it. */
export function invalidProps(problems: Problems, formId: string, path: string) {
  return problems[path]
    ? { 'aria-invalid': true as const, 'aria-describedby': problemId(formId, path) }
    : { 'aria-invalid': false as const };
}

/** The sentence saying what is wrong with one field, right beside it. */
export function FieldProblem({ problems, formId, path }: { problems: Problems; formId: string; path: string }) {
  const problem = problems[path];
  if (!problem) return null;
  return (
    <p className="field-problem" id={problemId(formId, path)} data-testid={`problem-${path}`}>
      {problem}
    </p>
  );
}
