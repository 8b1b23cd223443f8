#!/bin/sh
# What `make test` needs on the PATH before it installs anything else: Python >= 3.11,
# Java >= 17, Maven and Node.js >= 20 (the CDK library the infra tests synthesise with
# runs on Node.js). `make run` needs all but Node.js. Stops at the first missing one with
# one line naming it and how to get it; prints nothing when all are there.
#
#   devstack/check-prerequisites.sh PYTHON [node]
set -u
python=${1:-python3.11}
want_node=${2:-}

missing() {
    echo "make: missing prerequisite: $1 (on Debian or Ubuntu: apt-get install $2)" >&2
    exit 1
}

"$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
    || missing "Python 3.11 or newer as '$python' (or set PYTHON=...)" "python3.11 python3.11-venv"

command -v java >/dev/null 2>&1 || missing "Java 17 or newer ('java')" "openjdk-17-jdk-headless"
java_major=$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1)
[ "${java_major:-0}" -ge 17 ] 2>/dev/null || missing "Java 17 or newer (found '${java_major:-none}')" "openjdk-17-jdk-headless"

command -v mvn >/dev/null 2>&1 || missing "Maven ('mvn')" "maven"

if [ -n "$want_node" ]; then
    command -v node >/dev/null 2>&1 || missing "Node.js 20 or newer ('node'; the infra tests run the CDK library on it)" "nodejs"
    node_major=$(node --version 2>/dev/null | sed -n 's/^v\([0-9]*\).*/\1/p')
    [ "${node_major:-0}" -ge 20 ] 2>/dev/null || missing "Node.js 20 or newer (found '${node_major:-none}')" "nodejs"
fi
exit 0
