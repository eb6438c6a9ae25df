// Control for architecture.wrong_way_include: the same kind of file, including only its own stage, compiles.
#include "caspflow/model/scenario.hpp"

int caspflow_architecture_control() { return static_cast<int>(caspflow::model::Scenario{}.legs.size()); }
