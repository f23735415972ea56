"use client";

import { useEffect, useRef } from "react";

/**
 * Where an action's answer appears: announced (aria-live) and, each time a new answer arrives, focused,
 * so keyboard and screen-reader users land on the result instead of on <body> (the button they pressed
 * may have gone, or been disabled, while the page re-rendered). `answer` changes identity per answer.
 */
export function AnswerRegion({
  answer,
  className,
  children,
  ...rest
}: {
  answer: unknown;
  className?: string;
  children: React.ReactNode;
} & Omit<React.HTMLAttributes<HTMLDivElement>, "children" | "className">) {
  const region = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (answer) region.current?.focus();
  }, [answer]);
  return (
    <div ref={region} tabIndex={-1} aria-live="polite" className={`outline-none ${className ?? ""}`} {...rest}>
      {children}
    </div>
  );
}
