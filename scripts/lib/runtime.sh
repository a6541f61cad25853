# Sourced by scripts/ that run Java from the build output.
# Sets LABELLEDGER_ROOT and LABELLEDGER_CLASSPATH (target/classes + the runtime dependencies the
# pom writes to target/classpath.txt), compiling first when the build is missing or stale.

LABELLEDGER_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

"$LABELLEDGER_ROOT/scripts/build-if-needed"

LABELLEDGER_CLASSPATH="$LABELLEDGER_ROOT/target/classes:$(cat "$LABELLEDGER_ROOT/target/classpath.txt")"
