"use client";

import { type FormEvent, type ReactNode, useState } from "react";
import { Button } from "@/components/ui/button";
import { inputClass } from "@/components/ui/field";
import {
  AUDIT_ACTIONS,
  AUDIT_TARGET_KINDS,
  type AuditFilters,
  EMPTY_AUDIT_FILTERS,
} from "@/lib/query/audit";

const options = (labels: Record<string, string>) =>
  Object.entries(labels).map(([value, label]) => ({ value, label }));
const ACTION_OPTIONS = options(AUDIT_ACTIONS);
const TARGET_OPTIONS = options(AUDIT_TARGET_KINDS);

function Labelled(props: { id: string; label: string; children: ReactNode }) {
  return (
    <div className="min-w-0">
      <label htmlFor={props.id} className="mb-1 block text-xs font-medium text-slate-600">
        {props.label}
      </label>
      {props.children}
    </div>
  );
}

function SelectFilter(props: {
  id: string;
  label: string;
  all: string;
  value: string;
  options: { value: string; label: string }[];
  onChange: (value: string) => void;
}) {
  return (
    <Labelled id={props.id} label={props.label}>
      <select
        id={props.id}
        className={inputClass}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        data-testid={`${props.id.replace("audit-", "audit-filter-")}`}
      >
        <option value="">{props.all}</option>
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </Labelled>
  );
}

function DateFilter(props: {
  id: string;
  label: string;
  value: string;
  min?: string;
  max?: string;
  onChange: (value: string) => void;
}) {
  return (
    <Labelled id={props.id} label={props.label}>
      <input
        id={props.id}
        type="date"
        className={inputClass}
        value={props.value}
        min={props.min || undefined}
        max={props.max || undefined}
        onChange={(e) => props.onChange(e.target.value)}
        data-testid={`${props.id.replace("audit-", "audit-filter-")}`}
      />
    </Labelled>
  );
}

/**
 * Action, actor, target kind and a date range. Selects and dates apply at once; the actor (an
 * email, a key prefix or an id) on Enter or leaving the field, so a half-typed email does not query.
 */
export function AuditFiltersBar({
  filters,
  onChange,
}: {
  filters: AuditFilters;
  onChange: (filters: AuditFilters) => void;
}) {
  const [actor, setActor] = useState(filters.actor);
  const set = (patch: Partial<AuditFilters>) => onChange({ ...filters, ...patch });
  function submit(event: FormEvent) {
    event.preventDefault();
    set({ actor: actor.trim() });
  }
  return (
    <form
      role="search"
      aria-label="Filter the audit log"
      onSubmit={submit}
      className="grid gap-3 border-b border-slate-100 p-3 sm:grid-cols-2 lg:grid-cols-[1.2fr_1.5fr_1fr_auto_auto_auto]"
    >
      <SelectFilter
        id="audit-action"
        label="Action"
        all="All actions"
        value={filters.action}
        options={ACTION_OPTIONS}
        onChange={(action) => set({ action })}
      />
      <Labelled id="audit-actor" label="Actor">
        <input
          id="audit-actor"
          type="search"
          className={inputClass}
          placeholder="Email or key prefix, then Enter"
          value={actor}
          onChange={(e) => setActor(e.target.value)}
          onBlur={() => actor.trim() !== filters.actor && set({ actor: actor.trim() })}
          data-testid="audit-filter-actor"
        />
      </Labelled>
      <SelectFilter
        id="audit-target"
        label="Target"
        all="Any target"
        value={filters.targetKind}
        options={TARGET_OPTIONS}
        onChange={(targetKind) => set({ targetKind })}
      />
      <DateFilter
        id="audit-since"
        label="From"
        value={filters.since}
        max={filters.until}
        onChange={(since) => set({ since })}
      />
      <DateFilter
        id="audit-until"
        label="To"
        value={filters.until}
        min={filters.since}
        onChange={(until) => set({ until })}
      />
      <div className="flex items-end">
        <Button
          variant="ghost"
          disabled={!Object.values(filters).some(Boolean)}
          onClick={() => {
            setActor("");
            onChange(EMPTY_AUDIT_FILTERS);
          }}
          data-testid="audit-filter-clear"
        >
          Clear
        </Button>
      </div>
    </form>
  );
}
