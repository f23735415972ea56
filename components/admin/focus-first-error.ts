/**
 * Focuses the first of `fields` (in the form's order) that has an error, so the admin starts where it
 * went wrong and a screen reader reads that field's message.
 */
export function focusFirstError<Field extends string>(
  form: HTMLFormElement | null,
  fields: readonly Field[],
  errors: Partial<Record<Field, string>>,
): void {
  const first = fields.find((field) => errors[field]);
  const input = first && form?.elements.namedItem(first);
  if (input instanceof HTMLElement) input.focus();
}
