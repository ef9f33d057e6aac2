import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { AnswerMarkdown } from "@/components/runs/answer-markdown";

const render = (text: string) => renderToStaticMarkup(createElement(AnswerMarkdown, { text }));

describe("answers rendered as Markdown", () => {
  it("renders headings, lists, emphasis and GFM tables", () => {
    const html = render("# Title\n\n- **one**\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |");
    expect(html).toContain("<h1>Title</h1>");
    expect(html).toContain("<strong>one</strong>");
    expect(html).toContain("<table>");
    expect(html).toContain("<td>2</td>");
  });

  it("highlights fenced code that names its language", () => {
    const html = render("```ts\nconst x: number = 1;\n```");
    expect(html).toContain('class="hljs language-ts"');
    expect(html).toContain("hljs-keyword");
  });

  it("drops raw HTML rather than rendering it", () => {
    const html = render('Hi <script>alert(1)</script><img src=x onerror="alert(2)"> there');
    expect(html).not.toContain("<script");
    expect(html).not.toContain("<img");
    expect(html).not.toContain("onerror");
    expect(html).toContain("Hi");
  });

  it("removes javascript: link targets and opens others in a new tab without opener", () => {
    const bad = render("[click](javascript:alert(1))");
    expect(bad).not.toContain("javascript:");
    const good = render("[docs](https://example.com/x)");
    expect(good).toContain('href="https://example.com/x"');
    expect(good).toContain('rel="noopener noreferrer nofollow"');
  });
});
