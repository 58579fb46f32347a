#!/usr/bin/env bash
# The weekly watch, as the scheduled job runs it (.github/workflows/veille.yml):
# collect every source, (re)write this week's digest, and commit the store and
# the digest. Pushing is left to the caller. Exit codes: 0 done (some sources
# may be in error: the digest names them), 2 bad feeds.yaml or bad input.
set -uo pipefail

pile=${PILE:-"node bin/pile.js"}

$pile veille pull
code=$?
# 1 = some sources in error: what the others brought is stored, commit it.
if [ "$code" -ne 0 ] && [ "$code" -ne 1 ]; then
  exit "$code"
fi

git add -- veille
# Every pull updates the sources' timestamps (veille/sources.json): that alone
# is not worth a commit. New items, or a digest that changed (it names the
# sources in error), are.
if git diff --cached --quiet -- veille/items veille/digests; then
  git reset --quiet -- veille
  git checkout --quiet -- veille/sources.json 2>/dev/null || true
  echo "Veille : rien de nouveau à enregistrer." >&2
  exit 0
fi
git -c user.name="${GIT_AUTHOR_NAME:-pile (veille automatique)}" \
  -c user.email="${GIT_AUTHOR_EMAIL:-veille@users.noreply.github.com}" \
  commit --quiet -m "veille : collecte du $(TZ=Europe/Paris date +%F)" -- veille || exit 1
echo "Veille : collecte et synthèse enregistrées ($(git rev-parse --short HEAD))." >&2
