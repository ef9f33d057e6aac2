import { CopyButton } from "@/components/ui/copy-button";

/** The freshly created key, shown once: the server keeps only its hash. */
export function ApiKeySecret({
  name,
  secret,
  onDismiss,
}: {
  name: string;
  secret: string;
  onDismiss: () => void;
}) {
  return (
    <div
      className="rounded-lg border-2 border-amber-300 bg-amber-50 p-4"
      role="status"
      data-testid="api-key-secret-box"
    >
      <p className="text-sm font-semibold text-amber-900">
        Your new key “{name}” — copy it now. It won&apos;t be shown again.
      </p>
      <div className="mt-2 flex flex-wrap items-center gap-2">
        <code
          className="min-w-0 flex-1 break-all rounded-md border border-amber-200 bg-white px-3 py-2 font-mono text-sm text-slate-900"
          data-testid="api-key-secret"
        >
          {secret}
        </code>
        <CopyButton text={secret} testId="api-key-copy" />
      </div>
      <p className="mt-2 text-xs text-amber-800">
        Store it in a secret manager or an environment variable. If you lose it, revoke it and
        create another.
      </p>
      <button
        type="button"
        onClick={onDismiss}
        className="mt-3 text-sm font-medium text-amber-900 underline"
      >
        I&apos;ve saved it — hide
      </button>
    </div>
  );
}
