# Sourced by scripts/ that run Java from the build output.
# Sets LABELLEDGER_ROOT and LABELLEDGER_CLASSPATH (target/classes + the runtime dependencies the
# pom writes to target/classpath.txt), compiling first when either is missing.

LABELLEDGER_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

if [ ! -d "$LABELLEDGER_ROOT/target/classes" ] || [ ! -f "$LABELLEDGER_ROOT/target/classpath.txt" ]; then
  echo "building (mvn compile) ..." >&2
  (cd "$LABELLEDGER_ROOT" && mvn -q -B -DskipTests compile) >&2
fi

LABELLEDGER_CLASSPATH="$LABELLEDGER_ROOT/target/classes:$(cat "$LABELLEDGER_ROOT/target/classpath.txt")"
