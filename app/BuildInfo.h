#pragma once
// What this build of netfold is and what it runs with: printed by --version of both programs and
// shown in Help > About. No Qt here (netfold-cli does not link it); the GUI adds Qt's line.
#include <string>
#include <vector>

namespace netfold {

struct ComponentVersion {
    std::string name;    ///< "ONNX", "protobuf", "Graphviz", "Qt"
    std::string version; ///< the version in use at run time where the library tells it
    std::string detail;  ///< how it was found out, or the version built against
};

/// The release version (project(VERSION) in CMakeLists.txt).
std::string appVersion();
/// The git commit the binary was built from ("unknown" outside a git checkout; "-dirty" when
/// tracked files had changes).
std::string gitCommit();
/// ONNX, protobuf and Graphviz, in that order, asked at run time where they can be.
std::vector<ComponentVersion> libraryVersions();
/// "<program> <version> (commit <commit>)" then one "  <name> <version> (<detail>)" line per
/// component, each line ending in '\n'.
std::string versionReport(const std::string& program, const std::vector<ComponentVersion>& components);

} // namespace netfold
