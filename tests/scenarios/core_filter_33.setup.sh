. "$(dirname "$0")/../core/filter_setup.sh"
