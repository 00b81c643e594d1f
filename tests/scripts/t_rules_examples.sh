#!/usr/bin/env bash
# Every rule's examples and counter-examples pass (lawwatch rules test).
set -eu
cd "$2"
"$1" rules test
