// The libyaml parser API, exposed to Swift as the YAMLShim module.
#include <yaml.h>
