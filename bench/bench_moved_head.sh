#!/bin/bash
# `isaccheck check` after a commit, side by side: this tree and BASE (another source tree), each with
# its own cache, warmed by one run; then three times: edit one document, commit, check with both.
# The JSON of both must be identical. COPY is committed into: give it a copy of a repository.
#
#   bench/bench_moved_head.sh COPY BASE     (e.g. a copy of a gen_git_repo.py repository)
set -eu
repo=$1 base=$2 here=$(cd "$(dirname "$0")/.." && pwd) work=$(mktemp -d)
run() {
  ISACCHECK_CACHE_DIR=$work/cache-$1 /usr/bin/time -f "$1 %e s cpu %U+%S" python -c \
    "import sys; sys.path.insert(0, '$2'); from isaccheck.cli import main; main()" \
    check "$repo" --as-of 2026-11-28 --format json -o "$work/$1.json" || true
}
run base "$base" 2>/dev/null; run this "$here" 2>/dev/null
doc=$(git -C "$repo" ls-files '*.md' | head -1)
for i in 1 2 3; do
  echo "edit $i" >> "$repo/$doc"; git -C "$repo" commit -q -a -m "edit $i"
  run base "$base"; run this "$here"
  cmp "$work/base.json" "$work/this.json" && echo "identical JSON"
done
rm -rf "$work"
