import { expect } from "vitest";

/**
 * A viewer of a run's event stream (`GET /api/runs/:id/events`, SSE) over `baseUrl`: yields each
 * event's parsed data as it arrives, until the stream ends or the caller stops iterating (which
 * cancels the response).
 */
export async function* runEvents<T>(baseUrl: string, cookie: string, runId: string) {
  const response = await fetch(`${baseUrl}/api/runs/${runId}/events`, { headers: { cookie } });
  expect(response.status).toBe(200);
  const decoder = new TextDecoder();
  let buffer = "";
  const reader = response.body!.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf("\n\n")) !== -1) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = frame.split("\n").find((line) => line.startsWith("data: "));
        if (data) yield JSON.parse(data.slice(6)) as T;
      }
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}
