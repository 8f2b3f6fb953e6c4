#!/usr/bin/env bash
# Annotator set-up on a fresh machine, in one command:
#   install claimkit and Label Studio (scripts/setup.sh), show the sample's claims as a table,
#   start the local Label Studio server,
#   push the bundled sample article(s) with rule pre-annotations, print the project URL and how to log in.
# Re-running is safe: setup is idempotent, a running server is reused, and the push adds nothing twice.
# Settings: CLAIMKIT_PROJECT (project title), CLAIMKIT_HOME (server data and credentials), CLAIMKIT_VENV.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${CLAIMKIT_VENV:-.venv}"
PROJECT="${CLAIMKIT_PROJECT:-claimkit samples}"

bash scripts/setup.sh
"$VENV/bin/claimkit" split data/samples/*.txt --format table
"$VENV/bin/claimkit" studio start >/dev/null
url=$("$VENV/bin/claimkit" push data/samples/*.txt --project "$PROJECT" --predictor rules)

cat <<MSG

Label Studio project "$PROJECT" is ready:
  $url
Log in with the e-mail and password that this command prints:
  $VENV/bin/claimkit studio credentials
Stop the server with \`$VENV/bin/claimkit studio stop\`; pull annotations with
  $VENV/bin/claimkit pull --project "$PROJECT" --out annotations/
MSG
