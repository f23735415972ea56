import { useState } from "react";

/**
 * An action's refusal until the user edits the form again: a refusal about the last value typed should
 * not stand beside the next one. Pass the form `onInput`. A success stays (and typing then re-renders
 * nothing, so a resubmitted form still sends what it holds).
 */
export function useClearOnInput<Answer extends { ok: boolean }>(
  answer: Answer | null,
): { shown: Answer | null; onInput: () => void } {
  const [editedAfter, setEditedAfter] = useState<Answer | null>(null);
  const refusal = answer !== null && !answer.ok;
  return {
    shown: refusal && editedAfter === answer ? null : answer,
    onInput: () => {
      if (refusal && editedAfter !== answer) setEditedAfter(answer);
    },
  };
}
