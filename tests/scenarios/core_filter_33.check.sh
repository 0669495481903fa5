sh "$(dirname "$0")/../core/filter_check.sh" 33 "$1"
