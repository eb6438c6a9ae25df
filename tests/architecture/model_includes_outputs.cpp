// Must NOT compile (architecture.wrong_way_include): a file built against caspflow::model alone including a
// header of outputs/, a stage downstream of it. Only targets that link caspflow::outputs see its include root.
#include "caspflow/outputs/hdf5_writer.hpp"

int caspflow_architecture_wrong_way() { return static_cast<int>(caspflow::outputs::Dataset{}.variables.size()); }
