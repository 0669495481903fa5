sh "$(dirname "$0")/../core/filter_check.sh" 60 "$1"
