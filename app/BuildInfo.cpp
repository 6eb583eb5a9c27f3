#include "BuildInfo.h"

#include "netfold_git_commit.h"

#include <google/protobuf/stubs/common.h>
#include <graphviz/graphviz_version.h>
#include <graphviz/gvc.h>
#include <onnx/common/version.h>
#include <onnx/defs/schema.h>

#include <link.h>

#include <climits>
#include <cstdlib>
#include <string>

namespace netfold {

namespace {

/// The file name (symlinks resolved) of the loaded shared library whose path contains `stem`,
/// or "" when none is loaded.
std::string loadedLibraryFile(const std::string& stem)
{
    struct Search {
        const std::string* stem;
        std::string path;
    } search{&stem, {}};
    dl_iterate_phdr(
        [](dl_phdr_info* info, size_t, void* data) {
            auto* s = static_cast<Search*>(data);
            if (info->dlpi_name && std::string(info->dlpi_name).find(*s->stem) != std::string::npos) {
                s->path = info->dlpi_name;
                return 1;
            }
            return 0;
        },
        &search);
    if (search.path.empty())
        return {};
    char resolved[PATH_MAX];
    std::string file = realpath(search.path.c_str(), resolved) ? std::string(resolved) : search.path;
    const auto slash = file.rfind('/');
    return slash == std::string::npos ? file : file.substr(slash + 1);
}

std::string protobufVersion(int v)
{
    return std::to_string(v / 1000000) + "." + std::to_string(v / 1000 % 1000) + "." + std::to_string(v % 1000);
}

} // namespace

std::string appVersion() { return NETFOLD_VERSION; }

std::string gitCommit() { return NETFOLD_GIT_COMMIT; }

std::vector<ComponentVersion> libraryVersions()
{
    std::vector<ComponentVersion> out;

    // ONNX keeps its release number in a header only; the loaded library tells the opsets it knows.
    const auto& ranges = ONNX_NAMESPACE::OpSchemaRegistry::DomainToVersionRange::Instance().Map();
    const auto ai = ranges.find(ONNX_NAMESPACE::ONNX_DOMAIN);
    std::string onnxDetail = ai != ranges.end() ? "opsets up to " + std::to_string(ai->second.second) : "";
    const std::string onnxFile = loadedLibraryFile("libonnx.so");
    if (!onnxFile.empty())
        onnxDetail += (onnxDetail.empty() ? "" : ", ") + onnxFile;
    out.push_back({"ONNX", ONNX_NAMESPACE::LAST_RELEASE_VERSION, onnxDetail});

    // protobuf has no run-time version call; the loaded library's file carries it
    // (libprotobuf.so.32.0.12 is 3.21.12).
    const std::string protoFile = loadedLibraryFile("libprotobuf.so");
    out.push_back({"protobuf", protobufVersion(GOOGLE_PROTOBUF_VERSION),
                   protoFile.empty() ? "built with, linked statically" : "built with; loaded " + protoFile});

    // Graphviz reports its own version from a context (no plugins are loaded for this).
    std::string gv = "unknown";
    if (GVC_t* gvc = gvContext()) {
        if (const char* v = gvcVersion(gvc))
            gv = v;
        gvFreeContext(gvc);
    }
    out.push_back({"Graphviz", gv, "built with " PACKAGE_VERSION});
    return out;
}

std::string versionReport(const std::string& program, const std::vector<ComponentVersion>& components)
{
    std::string text = program + " " + appVersion() + " (commit " + gitCommit() + ")\n";
    for (const auto& c : components)
        text += "  " + c.name + " " + c.version + (c.detail.empty() ? "" : " (" + c.detail + ")") + "\n";
    return text;
}

} // namespace netfold
