// The one translation unit of the Windows build that compiles Boost.URL's implementation
// (header-only use; Linux links Debian's libboost_url instead).
#include <boost/url/src.hpp>
