"use client";

import Markdown, { type Components } from "react-markdown";
import rehypeHighlight from "rehype-highlight";
import remarkGfm from "remark-gfm";

/**
 * An answer rendered as Markdown, safely: `skipHtml` drops any raw HTML the model wrote (it is
 * never parsed into elements), react-markdown's default URL filter removes javascript: and other
 * unsafe link targets, and links open in a new tab without access to this one.
 */
const COMPONENTS: Components = {
  a: ({ href, children }) => (
    <a href={href} target="_blank" rel="noopener noreferrer nofollow">
      {children}
    </a>
  ),
  // Wide code and tables scroll inside the answer, never the page.
  pre: ({ children }) => <pre className="relative overflow-x-auto">{children}</pre>,
  table: ({ children }) => (
    <div className="relative overflow-x-auto">
      <table>{children}</table>
    </div>
  ),
};

export function AnswerMarkdown({ text, testId }: { text: string; testId?: string }) {
  return (
    <div className="answer-markdown break-words" data-testid={testId}>
      <Markdown
        skipHtml
        remarkPlugins={[remarkGfm]}
        rehypePlugins={[[rehypeHighlight, { detect: false, ignoreMissing: true }]]}
        components={COMPONENTS}
      >
        {text}
      </Markdown>
    </div>
  );
}
