// netfold-cli: the headless twin of netfold (info, simplify, diff).
#include "BuildInfo.h"
#include "diff/ModelDiff.h"
#include "diff/Report.h"
#include "eval/Verify.h"
#include "util/Error.h"
#include "model/ModelIO.h"
#include "shape/Open.h"
#include "model/ModelSummary.h"
#include "passes/Passes.h"
#include "passes/Pipeline.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <iostream>
#include <sstream>
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
    "  simplify IN OUT [options]  run onnx-simplifier's passes and constant folding;\n"
    "                             'netfold-cli simplify --help' lists the options\n"
    "  diff A B [--json]          what differs between two models (nodes, attributes,\n"
    "                             initializers, inputs and outputs); exit 1 when they differ\n"
    "\n"
    "Run 'netfold-cli <command> --help' for the options of a command;\n"
    "'netfold-cli --version' prints the version, the git commit and the library versions.\n";

int fail(const std::string& message)
{
    std::cerr << "netfold-cli: " << oneLine(message) << "\n";
    return 2;
}

/// Options every command that reads models shares (hostile-file policy).
bool loadOption(const std::string& a, LoadOptions& load)
{
    if (a == "--graph-only") {
        load.requireExternalData = false;
        return true;
    }
    if (a == "--allow-external-data-anywhere") {
        load.allowExternalDataAnywhere = true;
        return true;
    }
    return false;
}

/// An option, not a value: "-5" is a number.
bool isOption(const std::string& a) { return a.size() > 1 && a[0] == '-' && !std::isdigit(static_cast<unsigned char>(a[1])); }

/// The arguments of info and diff: model paths, --json and the load options. help is set (and
/// nothing else read) for --help. Throws Error for an unknown option.
struct ModelArgs {
    std::vector<std::string> paths;
    bool json = false, help = false;
    LoadOptions load;
};

ModelArgs parseModelArgs(const std::vector<std::string>& args, const std::string& command)
{
    ModelArgs m;
    m.load.requireExternalData = true;
    for (const auto& a : args) {
        if (a == "--json")
            m.json = true;
        else if (loadOption(a, m.load))
            continue;
        else if (a == "--help" || a == "-h")
            m.help = true;
        else if (isOption(a))
            throw Error("Unknown option " + quote(a) + " for " + command + ".");
        else
            m.paths.push_back(a);
    }
    return m;
}

int cmdInfo(const std::vector<std::string>& args)
{
    const ModelArgs m = parseModelArgs(args, "info");
    if (m.help) {
        std::cout << "usage: netfold-cli info MODEL [--json] [--graph-only] [--allow-external-data-anywhere]\n";
        return 0;
    }
    if (m.paths.empty())
        return fail("info needs a model file.");
    if (m.paths.size() > 1)
        return fail("info takes one model, got " + quote(m.paths[0]) + " and " + quote(m.paths[1]) + ".");
    Model model = openModel(m.paths[0], m.load);
    if (m.json)
        std::cout << modelInfoJson(model).dump(2) << "\n";
    else
        std::cout << modelInfoText(model);
    return 0;
}

const char* const kSimplifyUsage =
    "usage: netfold-cli simplify IN OUT [CHECK_N] [options]\n"
    "\n"
    "Simplifies IN as onnx-simplifier does (shape inference, the optimizer passes to a fixed\n"
    "point, constant folding, repeated until nothing changes) and writes OUT atomically.\n"
    "\n"
    "options (onnxsim's):\n"
    "  --skip-fuse-bn                      do not fold BatchNormalization into Conv\n"
    "  --skip-optimization [NAME ...]      skip all optimizer passes, or only the named ones\n"
    "  --skip-constant-folding             do not fold constants\n"
    "  --skip-shape-inference              do not re-infer shapes between passes\n"
    "  --overwrite-input-shape NAME:D,D,.. fix an input's shape (repeatable; -1 keeps a dim dynamic)\n"
    "  --no-large-tensor [SIZE]            do not fold Tile/Expand/ConstantOfShape/Range outputs over\n"
    "                                      SIZE (default 1.5MB; e.g. 1KB, 10MB), nor other ops' outputs\n"
    "                                      over SIZE and 8x their inputs\n"
    "  --unused-output NAME ...            remove these graph outputs (and what only they need)\n"
    "  --check N                           compare outputs on N random inputs (netfold's evaluator)\n"
    "  --check-input-shape NAME:D,D,..     the input shape --check uses (repeatable); other symbolic\n"
    "                                      dims get sizes the original model runs on\n"
    "options (netfold's):\n"
    "  --list-passes                       list the passes in run order and exit\n"
    "  --steps                             print every step's change record\n"
    "  --json                              print one JSON object instead of text\n"
    "  --keep NODE ...                     never fold or remove these nodes (by name)\n"
    "  --force-input-shape                 let --overwrite-input-shape change the rank or a static dim\n"
    "  --overwrite                         allow OUT to be the input file\n"
    "  --fold-time SECONDS                 keep (do not fold) a node whose evaluation runs longer (10)\n"
    "options (hostile files):\n"
    "  --check-memory SIZE                 memory budget of one --check evaluation (default: the larger\n"
    "                                      of 1GB and 4x the model's weights)\n"
    "  --check-iterations N                Loop/Scan iterations allowed per --check evaluation (1000000)\n"
    "  --check-time SECONDS                wall-clock cap of the whole --check (120)\n"
    "  --allow-external-data-anywhere      trust the model: external data may lie outside its folder\n"
    "\n"
    "exit status: 0 written (and checked, with --check); 1 --check measured different outputs (OUT\n"
    "not written); 2 bad arguments or model; 3 written, but --check could not compare (no kernel\n"
    "for an op, or the original model itself fails on every input size tried).\n";

uint64_t parseSize(const std::string& text)
{
    std::size_t pos = 0;
    double v = 0;
    try {
        v = std::stod(text, &pos);
    } catch (const std::exception&) {
        throw Error("Bad size " + quote(text) + "; use e.g. 1.5MB, 512KB or 1GB.");
    }
    std::string unit = text.substr(pos);
    for (auto& c : unit)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    double mul = 1;
    if (unit == "" || unit == "B")
        mul = 1;
    else if (unit == "KB" || unit == "K" || unit == "KIB")
        mul = 1024;
    else if (unit == "MB" || unit == "M" || unit == "MIB")
        mul = 1024.0 * 1024;
    else if (unit == "GB" || unit == "G" || unit == "GIB")
        mul = 1024.0 * 1024 * 1024;
    else
        throw Error("Bad size unit in " + quote(text) + "; use B, KB, MB or GB.");
    if (v < 0)
        throw Error("Size " + quote(text) + " is negative.");
    return static_cast<uint64_t>(v * mul);
}

std::pair<std::string, std::vector<int64_t>> parseInputShape(const std::string& text)
{
    const auto colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0)
        throw Error("Bad input shape " + quote(text) + "; use NAME:D,D,... e.g. input0:1,3,224,224.");
    std::vector<int64_t> dims;
    std::stringstream ss(text.substr(colon + 1));
    std::string part;
    while (std::getline(ss, part, ',')) {
        try {
            std::size_t pos = 0;
            dims.push_back(std::stoll(part, &pos));
            if (pos != part.size())
                throw std::invalid_argument(part);
        } catch (const std::exception&) {
            throw Error("Bad dim " + quote(part) + " in input shape " + quote(text) + ".");
        }
    }
    return {text.substr(0, colon), dims};
}

/// "" when --overwrite-input-shape may set input `name` to dims; else one line naming the input,
/// its shape and the given one (a different rank, or a change to a static dim).
std::string overwriteProblem(const Model& model, const std::string& name, const std::vector<int64_t>& dims)
{
    const Graph& g = model.graph;
    auto it = std::find_if(g.inputs.begin(), g.inputs.end(), [&](const ValueInfo& v) { return v.name == name; });
    if (it == g.inputs.end() || g.findInitializer(name))
        return "The model has no input " + quote(name) + " (--overwrite-input-shape).";
    const ValueType t = it->type.known() ? it->type : g.typeOf(name);
    if (!t.hasShape)
        return {};
    std::string given = "[";
    for (std::size_t k = 0; k < dims.size(); ++k)
        given += (k ? "," : "") + std::to_string(dims[k]);
    given += "]";
    const std::string tail = "; --force-input-shape overrides.";
    if (t.dims.size() != dims.size())
        return "--overwrite-input-shape: input " + quote(name) + " has rank " + std::to_string(t.dims.size()) + " "
               + t.shapeString() + ", given rank " + std::to_string(dims.size()) + " " + given + tail;
    for (std::size_t k = 0; k < dims.size(); ++k)
        if (t.dims[k].known() && t.dims[k].value != dims[k])
            return "--overwrite-input-shape: input " + quote(name) + " is " + t.shapeString() + ", given " + given
                   + ": dim " + std::to_string(k) + " is fixed at " + std::to_string(t.dims[k].value) + tail;
    return {};
}

int cmdListPasses(bool json)
{
    Json list = Json::array();
    std::vector<std::unique_ptr<Pass>> all = passes::optimizerPasses();
    all.push_back(passes::foldConstants());
    for (const auto& p : all) {
        const PassInfo info = p->info();
        if (json) {
            Json x = Json::object();
            x.set("name", info.name);
            x.set("summary", info.summary);
            x.set("description", info.description);
            x.set("onnxsim", info.onnxsim);
            list.push(x);
        } else {
            std::cout << info.name << std::string(info.name.size() < 40 ? 40 - info.name.size() : 1, ' ') << info.summary
                      << (info.onnxsim ? "" : "  [netfold]") << "\n";
        }
    }
    if (json)
        std::cout << list.dump(2) << "\n";
    return 0;
}

Json checkJson(const VerifyResult& verify)
{
    Json v = Json::object();
    v.set("checked", verify.ran);
    v.set("ran", verify.ran);
    v.set("ok", verify.ran ? Json(verify.ok) : Json());
    if (!verify.reason.empty())
        v.set("reason", verify.reason);
    Json blockers = Json::array();
    for (const auto& b : verify.blockers)
        blockers.push(b);
    v.set("no_kernel", blockers);
    Json shapes = Json::object();
    for (const auto& [name, dims] : verify.inputShapes) {
        Json d = Json::array();
        for (auto x : dims)
            d.push(x);
        shapes.set(name, d);
    }
    v.set("input_shapes", shapes);
    v.set("attempts", verify.attempts);
    v.set("runs", verify.runs);
    Json outs = Json::array();
    for (const auto& d : verify.outputs) {
        Json x = Json::object();
        x.set("name", d.name);
        x.set("max_abs", d.maxAbs);
        x.set("max_rel", d.maxRel);
        x.set("ok", d.ok);
        if (!d.problem.empty())
            x.set("problem", d.problem);
        outs.push(x);
    }
    v.set("outputs", outs);
    if (!verify.error.empty())
        v.set("error", verify.error);
    return v;
}

/// Everything `simplify` was asked to do, from its arguments.
struct SimplifyArgs {
    std::string in, out;
    PipelineOptions options;
    LoadOptions load;
    VerifyOptions verify;
    int check = 0; ///< random inputs to compare on; 0: no check
    bool json = false, steps = false, overwrite = false, forceShapes = false;
    bool help = false, listPasses = false; ///< print and exit
    std::vector<std::pair<std::string, std::vector<int64_t>>> shapes;
    std::vector<std::string> unusedOutputs;
};

/// A strictly positive number after flag args[i] (i moves past it).
double positiveNumber(const std::vector<std::string>& args, std::size_t& i, const std::string& flag)
{
    if (i + 1 >= args.size())
        throw Error(flag + " needs a value.");
    const std::string& v = args[++i];
    std::size_t pos = 0;
    double x = -1;
    try {
        x = std::stod(v, &pos);
    } catch (const std::exception&) {
        pos = 0;
    }
    if (pos != v.size() || !(x > 0) || !std::isfinite(x))
        throw Error("Bad value " + quote(v) + " for " + flag + "; a positive number is needed.");
    return x;
}

/// --skip-optimization [NAME ...]: names that are not passes but .onnx files stay positional.
void parseSkipOptimization(const std::vector<std::string>& names, SimplifyArgs& a, std::vector<std::string>& positional)
{
    std::vector<std::string> known;
    for (const auto& p : passes::optimizerPasses())
        known.push_back(p->info().name);
    std::vector<std::string> rest;
    for (const auto& n : names) {
        if (std::find(known.begin(), known.end(), n) != known.end())
            a.options.skip.insert(n);
        else if (n.size() > 5 && n.substr(n.size() - 5) == ".onnx")
            rest.push_back(n);
        else
            throw Error("Unknown pass " + quote(n) + " for --skip-optimization; see --list-passes.");
    }
    if (names.size() == rest.size())
        a.options.optimization = false;
    positional.insert(positional.end(), rest.begin(), rest.end());
}

/// The options that take a value (or values) after them; false when args[i] is none of them.
bool parseSimplifyValueOption(const std::vector<std::string>& args, std::size_t& i, SimplifyArgs& a,
                              std::vector<std::string>& positional)
{
    const std::string& flag = args[i];
    auto takeList = [&] {
        std::vector<std::string> out;
        while (i + 1 < args.size() && !isOption(args[i + 1]))
            out.push_back(args[++i]);
        return out;
    };
    auto shapeList = [&] {
        auto list = takeList();
        if (list.empty())
            throw Error(flag + " needs NAME:D,D,...");
        std::vector<std::pair<std::string, std::vector<int64_t>>> parsed;
        for (const auto& s : list)
            parsed.push_back(parseInputShape(s));
        return parsed;
    };
    if (flag == "--skip-optimization") {
        parseSkipOptimization(takeList(), a, positional);
    } else if (flag == "--overwrite-input-shape" || flag == "--input-shape") {
        for (auto& s : shapeList())
            a.shapes.push_back(std::move(s));
    } else if (flag == "--check-input-shape") {
        for (auto& [name, dims] : shapeList())
            a.verify.inputShapes[name] = dims;
    } else if (flag == "--no-large-tensor") {
        if (i + 1 < args.size() && !isOption(args[i + 1]) && std::isdigit(static_cast<unsigned char>(args[i + 1][0]))
            && args[i + 1].find(".onnx") == std::string::npos)
            a.options.pass.sizeLimit = parseSize(args[++i]);
    } else if (flag == "--unused-output") {
        a.unusedOutputs = takeList();
    } else if (flag == "--keep") {
        for (const auto& n : takeList())
            a.options.pass.keepNodes.insert(n);
    } else if (flag == "--check") {
        if (i + 1 >= args.size())
            throw Error("--check needs a number of runs.");
        const std::string& n = args[++i];
        if (n.empty() || n.size() > 6
            || !std::all_of(n.begin(), n.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
            throw Error("--check needs a number of runs (0 for none), got " + quote(n) + ".");
        a.check = std::atoi(n.c_str());
    } else if (flag == "--check-memory") {
        if (i + 1 >= args.size())
            throw Error("--check-memory needs a size.");
        a.verify.maxBytes = std::max<uint64_t>(1, parseSize(args[++i]));
    } else if (flag == "--check-iterations") {
        a.verify.maxIterations = static_cast<int64_t>(std::min(positiveNumber(args, i, flag), 9e18));
    } else if (flag == "--check-time") {
        a.verify.maxSeconds = positiveNumber(args, i, flag);
    } else if (flag == "--fold-time") {
        a.options.pass.foldSeconds = positiveNumber(args, i, flag);
    } else {
        return false;
    }
    return true;
}

SimplifyArgs parseSimplifyArgs(const std::vector<std::string>& args)
{
    SimplifyArgs a;
    a.options.pass.sizeLimit = kDefaultSizeLimit;
    a.load.requireExternalData = true;
    std::vector<std::string> positional;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& flag = args[i];
        if (flag == "--help" || flag == "-h") {
            a.help = true;
            return a;
        }
        if (flag == "--list-passes") {
            a.listPasses = true;
            a.json = std::find(args.begin(), args.end(), "--json") != args.end();
            return a;
        }
        if (parseSimplifyValueOption(args, i, a, positional))
            continue;
        if (flag == "--skip-fuse-bn")
            a.options.skip.insert("fuse_bn_into_conv");
        else if (flag == "--skip-constant-folding")
            a.options.constantFolding = false;
        else if (flag == "--skip-shape-inference")
            a.options.shapeInference = false;
        else if (flag == "--force-input-shape")
            a.forceShapes = true;
        else if (flag == "--allow-external-data-anywhere")
            a.load.allowExternalDataAnywhere = true;
        else if (flag == "--json")
            a.json = true;
        else if (flag == "--steps")
            a.steps = true;
        else if (flag == "--overwrite")
            a.overwrite = true;
        else if (isOption(flag))
            throw Error("Unknown option " + quote(flag) + " for simplify; see 'netfold-cli simplify --help'.");
        else
            positional.push_back(flag);
    }
    if (positional.size() == 3) {
        a.check = std::atoi(positional[2].c_str());
        positional.pop_back();
    }
    if (positional.size() != 2)
        throw Error("simplify needs IN and OUT; see 'netfold-cli simplify --help'.");
    a.in = positional[0];
    a.out = positional[1];
    return a;
}

/// The model as the arguments ask: input shapes overwritten (checked unless forced), --check's
/// input shapes checked, unused outputs removed. Throws Error naming what is wrong.
Model openForSimplify(const SimplifyArgs& a)
{
    Model model = openModel(a.in, a.load);
    if (!a.forceShapes)
        for (const auto& [name, dims] : a.shapes) {
            const std::string problem = overwriteProblem(model, name, dims);
            if (!problem.empty())
                throw Error(problem);
        }
    if (!a.shapes.empty())
        overwriteInputShapes(model, a.shapes);
    for (const auto& [name, dims] : a.verify.inputShapes) {
        const std::string problem = checkInputShape(model, name, dims);
        if (!problem.empty())
            throw Error("--check-input-shape: " + problem);
    }
    for (const auto& name : a.unusedOutputs) {
        auto& outs = model.graph.outputs;
        auto it = std::find_if(outs.begin(), outs.end(), [&](const ValueInfo& v) { return v.name == name; });
        if (it == outs.end())
            throw Error("The model has no output " + quote(name) + " (--unused-output).");
        outs.erase(it);
    }
    return model;
}

/// The check's outcome as text on standard output.
void printCheck(const VerifyResult& verify)
{
    if (!verify.ran) {
        std::string reason = verify.reason;
        reason[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(reason[0])));
        std::cout << reason << ".\n";
        return;
    }
    std::cout << "Check inputs: " << verify.shapesText() << "\n";
    for (const auto& d : verify.outputs)
        std::cout << "Check " << d.name << ": max abs diff " << d.maxAbs << ", max rel diff " << d.maxRel
                  << (d.ok ? "" : "  MISMATCH " + d.problem) << "\n";
    if (!verify.error.empty())
        std::cout << "Check error: " << oneLine(verify.error) << "\n";
    if (verify.runs == 0)
        std::cout << "Check FAILED: the simplified model does not run where the original does.\n";
    else
        std::cout << "Check " << (verify.ok ? "passed" : "FAILED") << " on " << verify.runs << " random input(s).\n";
}

/// The nodes a limit kept from folding, the first ten by name with what stopped them.
void printKeptAtLimit(const Pipeline& pipeline)
{
    const auto limited = keptAtLimitList(pipeline);
    if (limited.empty())
        return;
    std::cout << "Not folded at a limit: " << limited.size() << (limited.size() == 1 ? " node" : " nodes")
              << " (--no-large-tensor SIZE and --fold-time SECONDS raise the limits):\n";
    const std::size_t shown = std::min<std::size_t>(limited.size(), 10);
    for (std::size_t i = 0; i < shown; ++i)
        std::cout << "  " << quote(limited[i].node) << " (" << limited[i].op << "): " << limited[i].reason << "\n";
    if (limited.size() > shown)
        std::cout << "  and " << limited.size() - shown << " more (--json lists them all).\n";
}

/// Exit status after the check (see kSimplifyUsage), with its one-line message on standard error.
int simplifyStatus(const SimplifyArgs& a, const VerifyResult& verify)
{
    if (a.check <= 0)
        return 0;
    if (verify.ran && !verify.ok) {
        if (!verify.error.empty())
            std::cerr << "netfold-cli: The simplified model could not be evaluated (" << oneLine(verify.error) << "); "
                      << quote(a.out) << " was not written.\n";
        else
            std::cerr << "netfold-cli: The simplified model computes different outputs; " << quote(a.out)
                      << " was not written.\n";
        return 1;
    }
    if (!verify.ran) {
        const bool capped = verify.reason.find(" cap") != std::string::npos
                            || verify.reason.find("budget") != std::string::npos;
        std::cerr << "netfold-cli: " << oneLine(verify.reason) << "; " << quote(a.out) << " was written unchecked."
                  << (capped ? " --check-memory, --check-iterations and --check-time set the caps." : "") << "\n";
        return 3;
    }
    return 0;
}

int cmdSimplify(const std::vector<std::string>& args)
{
    SimplifyArgs a = parseSimplifyArgs(args);
    if (a.help) {
        std::cout << kSimplifyUsage;
        return 0;
    }
    if (a.listPasses)
        return cmdListPasses(a.json);
    Pipeline pipeline(openForSimplify(a), a.options);
    pipeline.runToFixedPoint();
    Model simplified = pipeline.current();

    Json report = pipelineReport(pipeline);
    VerifyResult verify;
    if (a.check > 0) {
        a.verify.runs = a.check;
        verify = verifyModels(pipeline.original(), simplified, a.verify);
        report.set("check", checkJson(verify));
    }
    if (!(a.check > 0 && verify.ran && !verify.ok)) { // not written when the check measured a difference
        SaveOptions save;
        save.overwriteInput = a.overwrite;
        saveModel(simplified, a.out, save);
        report.set("output", a.out);
    }
    if (a.json) {
        std::cout << report.dump(2) << "\n";
    } else {
        if (a.steps)
            std::cout << stepsText(pipeline, true) << "\n";
        std::cout << opCountTable(pipeline.original(), simplified);
        printKeptAtLimit(pipeline);
        if (a.check > 0)
            printCheck(verify);
    }
    return simplifyStatus(a, verify);
}

int cmdDiff(const std::vector<std::string>& args)
{
    const ModelArgs m = parseModelArgs(args, "diff");
    if (m.help) {
        std::cout << "usage: netfold-cli diff A B [--json] [--graph-only] [--allow-external-data-anywhere]\n";
        return 0;
    }
    const std::vector<std::string>& paths = m.paths;
    const LoadOptions& load = m.load;
    const bool json = m.json;
    if (paths.size() != 2)
        return fail("diff needs two models.");
    const Model a = openModel(paths[0], load);
    const Model b = openModel(paths[1], load);
    const ModelDiff d = diffModels(a, b);
    if (json) {
        Json j = d.toJson();
        j.set("a", paths[0]);
        j.set("b", paths[1]);
        std::cout << j.dump(2) << "\n";
    } else {
        std::cout << d.toText();
        std::cout << opCountTable(a, b);
    }
    return d.identical() ? 0 : 1;
}

} // namespace

int main(int argc, char** argv)
{
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
        std::cout << kUsage;
        return args.empty() ? 2 : 0;
    }
    if (args[0] == "--version" || args[0] == "-V") {
        std::cout << versionReport("netfold-cli", libraryVersions());
        return 0;
    }
    const std::string cmd = args[0];
    args.erase(args.begin());
    try {
        if (cmd == "info")
            return cmdInfo(args);
        if (cmd == "simplify")
            return cmdSimplify(args);
        if (cmd == "diff")
            return cmdDiff(args);
        return fail("Unknown command " + quote(cmd) + "; try 'netfold-cli --help'.");
    } catch (const Error& e) {
        return fail(e.what());
    } catch (const std::bad_alloc&) {
        return fail("Out of memory: the model asks for more memory than this machine could give; nothing was written.");
    } catch (const std::length_error&) {
        return fail("The model asks for a value larger than memory can hold; nothing was written.");
    } catch (const std::exception& e) {
        return fail(std::string("Internal error (please report it with the model): ") + e.what());
    }
}
