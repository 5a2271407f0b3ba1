// The one translation unit of the Windows build that compiles Boost.JSON's implementation
// (header-only use; Linux links Debian's libboost_json instead).
#include <boost/json/src.hpp>
