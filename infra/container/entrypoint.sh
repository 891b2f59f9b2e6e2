#!/bin/sh
# The image's one entry point: the first argument chooses the process, the rest go to it.
#   gateway | dispatcher | exchange | consent | sip | consultation | metrics | signals | migrate
# Paths follow infra/build.ts (`bundles`); test/infra checks the two agree.
set -eu

commands='gateway dispatcher exchange consent sip consultation metrics signals migrate'
app_root=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)

usage() {
  printf 'usage: samsyn <command> [arguments]\ncommands: %s\n' "$commands" >&2
}

command=${1:-}
case "$command" in
  gateway | dispatcher | exchange | consent | sip | consultation | metrics | signals) bundle="services/$command/dist/main.mjs" ;;
  migrate) bundle='packages/db/dist/migrate.mjs' ;;
  help | -h | --help)
    usage
    exit 0
    ;;
  '')
    printf 'samsyn: no command given\n' >&2
    usage
    exit 64 # EX_USAGE
    ;;
  *)
    printf 'samsyn: unknown command "%s"\n' "$command" >&2
    usage
    exit 64 # EX_USAGE
    ;;
esac
shift

# Secrets mounted as files (compose secrets, CSI volumes): NAME_FILE holds the value of NAME. Only these
# names, because GATEWAY_SIGNING_KEY_FILE and GATEWAY_JWKS_FILE are paths the processes read themselves.
for name in DATABASE_URL REDIS_URL PERSON_KEY_SECRET PERSON_ENCRYPTION_KEY OPERATOR_PASSWORD; do
  eval "file=\${${name}_FILE:-}"
  [ -n "$file" ] || continue
  eval "already=\${${name}+set}"
  if [ "$already" = set ]; then
    printf 'samsyn: set %s or %s_FILE, not both\n' "$name" "$name" >&2
    exit 64
  fi
  if ! value=$(cat -- "$file"); then
    printf 'samsyn: %s_FILE=%s cannot be read\n' "$name" "$file" >&2
    exit 1
  fi
  export "$name=$value"
  unset "${name}_FILE"
done

exec node "$app_root/$bundle" "$@"
