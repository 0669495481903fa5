sh "$(dirname "$0")/../core/filter_check.sh" 7e "$1"
