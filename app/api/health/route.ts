import { checkHealth } from "@/lib/health";
import { errorResponse } from "@/lib/http/errors";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

// Health bypasses the guard on purpose: it must answer (503) even when the database is down.
export async function GET() {
  try {
    const report = await checkHealth();
    return Response.json(report, {
      status: report.status === "down" || report.status === "draining" ? 503 : 200,
      headers: { "cache-control": "no-store" },
    });
  } catch (error) {
    return errorResponse(error);
  }
}
