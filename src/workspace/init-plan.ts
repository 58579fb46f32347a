/**
 * What `pile init` writes: the workspace skeleton. Pure: given the files that
 * already exist, it says what to create and what to keep.
 */

export const WORKSPACE_FILES: readonly { path: string; source: string }[] = [
  { path: "studies/README.md", source: "studies-README.md" },
  { path: "pile.yaml", source: "pile.yaml" },
  { path: "criteria.yaml", source: "criteria.yaml" },
  { path: "feeds.yaml", source: "feeds.yaml" },
  { path: "templates/README.md", source: "templates-README.md" },
  { path: ".gitattributes", source: "gitattributes" },
  { path: ".gitignore", source: "gitignore" },
];

export interface InitPlan {
  create: { path: string; content: string }[];
  kept: string[];
}

export function planInit(
  existing: ReadonlySet<string>,
  sources: Readonly<Record<string, string>>,
): InitPlan {
  const plan: InitPlan = { create: [], kept: [] };
  for (const file of WORKSPACE_FILES) {
    if (existing.has(file.path)) {
      plan.kept.push(file.path);
      continue;
    }
    const content = sources[file.source];
    if (content === undefined) throw new Error(`workspace starter ${file.source} was not loaded`);
    plan.create.push({ path: file.path, content });
  }
  return plan;
}
