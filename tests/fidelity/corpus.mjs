// Where the fidelity scripts find the reference corpus, and what they do
// without it (the same rule as tests/common/corpus.rs for the Rust tests).
//
// The corpus is not in the repository: it is the folder `news/` of the public
// repository rustfoundation/foundation.rust-lang.org at commit
// f1af460606d7ea0788976f98d8a24aa9dfb16a0e (152 posts), found at
// ../shared/corpus/foundation-news beside the repository or at $PP_CORPUS.

import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export const WHERE =
  "the folder `news/` of the public repository rustfoundation/foundation.rust-lang.org at commit " +
  "f1af460606d7ea0788976f98d8a24aa9dfb16a0e (152 posts), put at ../shared/corpus/foundation-news " +
  "beside the repository, or anywhere with PP_CORPUS set to it";

/** The corpus folder: $PP_CORPUS, else ../shared/corpus/foundation-news beside the repository. */
export function corpusDir() {
  return process.env.PP_CORPUS
    ? path.resolve(process.env.PP_CORPUS)
    : path.resolve(REPO, "../shared/corpus/foundation-news");
}

/**
 * The corpus folder, or, when it is absent, exits: 0 after reporting `test`
 * as skipped, or 1 under CI=true, where an absent corpus is a failure.
 */
export function requireCorpus(test) {
  const dir = corpusDir();
  if (existsSync(dir) && statSync(dir).isDirectory()) return dir;
  const why = `the reference corpus is not at ${dir} (get ${WHERE})`;
  if (process.env.CI === "true" || process.env.CI === "1") {
    console.error(`FAILED ${test}: ${why}; CI=true, so an absent corpus is a failure`);
    process.exit(1);
  }
  console.error(`SKIPPED ${test}: ${why}`);
  process.exit(0);
}
