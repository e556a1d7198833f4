import type { DepartmentRow } from '../store/departments.js';

/**
 * The company structure in upstream's order: depth first, a parent before its children,
 * siblings by SORT then id. Departments whose parent is missing count as roots, so a broken
 * link never hides a department.
 */
export class DepartmentTree {
  readonly ordered: DepartmentRow[];
  readonly byId: Map<number, DepartmentRow>;
  private readonly rank = new Map<number, number>();

  constructor(rows: readonly DepartmentRow[]) {
    this.byId = new Map(rows.map((r) => [r.id, r]));
    const children = new Map<number | null, DepartmentRow[]>();
    for (const row of rows) {
      const parent = row.parent_id !== null && this.byId.has(row.parent_id) ? row.parent_id : null;
      let list = children.get(parent);
      if (!list) children.set(parent, (list = []));
      list.push(row);
    }
    for (const list of children.values()) list.sort((a, b) => a.sort - b.sort || a.id - b.id);
    this.ordered = [];
    const visited = new Set<number>();
    const stack = [...(children.get(null) ?? [])].reverse();
    while (stack.length) {
      const node = stack.pop()!;
      if (visited.has(node.id)) continue;
      visited.add(node.id);
      this.rank.set(node.id, this.ordered.length);
      this.ordered.push(node);
      for (const child of [...(children.get(node.id) ?? [])].reverse()) stack.push(child);
    }
  }

  /** Position in the structure order; unknown ids sort last. */
  rankOf(id: number): number {
    return this.rank.get(id) ?? Number.MAX_SAFE_INTEGER;
  }

  /** The given department ids, existing ones only, in structure order. */
  sortIds(ids: Iterable<number>): number[] {
    return [...new Set(ids)].filter((id) => this.rank.has(id)).sort((a, b) => this.rankOf(a) - this.rankOf(b));
  }

  /** `Child / Parent / Root`, as upstream's full_name. */
  fullName(id: number): string {
    const names: string[] = [];
    const seen = new Set<number>();
    for (let d = this.byId.get(id); d && !seen.has(d.id); d = d.parent_id === null ? undefined : this.byId.get(d.parent_id)) {
      seen.add(d.id);
      names.push(d.name);
    }
    return names.join(' / ');
  }

  /** Whether `ancestor` is `id` itself or above it. */
  isWithin(id: number, ancestor: number): boolean {
    const seen = new Set<number>();
    for (let d = this.byId.get(id); d && !seen.has(d.id); d = d.parent_id === null ? undefined : this.byId.get(d.parent_id)) {
      if (d.id === ancestor) return true;
      seen.add(d.id);
    }
    return false;
  }
}
