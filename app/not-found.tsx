import Link from "next/link";

export const metadata = { title: "Page not found" };

export default function NotFound() {
  return (
    <section
      className="mx-auto max-w-lg rounded-xl border border-slate-200 bg-white p-8 text-center shadow-sm"
      data-testid="not-found"
      aria-labelledby="not-found-heading"
    >
      <p className="text-sm font-semibold text-indigo-700">404</p>
      <h1 id="not-found-heading" className="mt-2 text-2xl font-semibold tracking-tight">
        This page does not exist
      </h1>
      <p className="mt-2 text-slate-600">
        The link may be old, or the run or page may belong to another team.
      </p>
      <div className="mt-6 flex justify-center gap-3">
        <Link
          href="/"
          className="rounded-lg bg-indigo-600 px-4 py-2 text-sm font-medium text-white hover:bg-indigo-500"
        >
          Go home
        </Link>
        <Link
          href="/runs"
          className="rounded-lg border border-slate-300 px-4 py-2 text-sm font-medium text-slate-700 hover:bg-slate-100"
        >
          See runs
        </Link>
      </div>
    </section>
  );
}
