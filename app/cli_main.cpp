// netfold-cli: the headless twin of netfold (info, simplify, diff).
#include "model/Error.h"
#include "model/ModelIO.h"
#include "model/ModelSummary.h"

#include <cstring>
#include <iostream>
#include <string>
#include <vector>

using namespace netfold;

namespace {

const char* const kUsage =
    "usage: netfold-cli <command> [options]\n"
    "\n"
    "commands:\n"
    "  info MODEL [--json]        summary of a model: opsets, inputs, outputs, op counts,\n"
    "                             initializers, what shape inference could not infer\n"
    "\n"
    "Run 'netfold-cli <command> --help' for the options of a command.\n";

int fail(const std::string& message)
{
    std::cerr << "netfold-cli: " << message << "\n";
    return 2;
}

int cmdInfo(const std::vector<std::string>& args)
{
    std::string path;
    bool json = false;
    for (const auto& a : args) {
        if (a == "--json")
            json = true;
        else if (a == "--help" || a == "-h") {
            std::cout << "usage: netfold-cli info MODEL [--json]\n";
            return 0;
        } else if (!a.empty() && a[0] == '-')
            return fail("Unknown option " + quote(a) + " for info.");
        else if (path.empty())
            path = a;
        else
            return fail("info takes one model, got " + quote(path) + " and " + quote(a) + ".");
    }
    if (path.empty())
        return fail("info needs a model file.");
    Model model = loadModel(path);
    if (json)
        std::cout << modelInfoJson(model).dump(2) << "\n";
    else
        std::cout << modelInfoText(model);
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
        std::cout << kUsage;
        return args.empty() ? 2 : 0;
    }
    const std::string cmd = args[0];
    args.erase(args.begin());
    try {
        if (cmd == "info")
            return cmdInfo(args);
        return fail("Unknown command " + quote(cmd) + "; try 'netfold-cli --help'.");
    } catch (const Error& e) {
        return fail(e.what());
    } catch (const std::bad_alloc&) {
        return fail("Out of memory.");
    } catch (const std::exception& e) {
        return fail(std::string("Internal error: ") + e.what());
    }
}
