// libFuzzer target over netfold's load path, ONNX shape inference, the simplification
// pipeline and the evaluator (a --check with tight caps), with a structure-aware mutator:
// it decodes the ModelProto, changes dims, dtypes, attributes, raw_data lengths, node wiring,
// bodies and external-data entries, and serialises it again.
//
// The same file builds the regression replay (fuzz_replay, no libFuzzer): it runs every file
// of the folders given on the command line through LLVMFuzzerTestOneInput.
#include "eval/Verify.h"
#include "util/Error.h"
#include "model/ModelIO.h"
#include "shape/Open.h"
#include "passes/Pipeline.h"

#include <onnx/onnx_pb.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace fs = std::filesystem;
using namespace netfold;

extern "C" size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t maxSize);

// No single allocation may exceed 1 GB (the target's caps are 64 KB to fold and 64 MB to check):
// ASan reports a larger one as allocation-size-too-big and stops, in the campaign, the CI share
// and a replay of one file alike (ASAN_OPTIONS adds to these defaults). libFuzzer's own
// -malloc_limit_mb needs its malloc hooks, which it installs only when it looks for leaks, and
// run_fuzz.sh turns leak detection off.
extern "C" const char* __asan_default_options();
extern "C" const char* __asan_default_options()
{
    return "max_allocation_size_mb=1024:allocator_may_return_null=0";
}

namespace {

/// A folder beside the model with things external data may point at: a valid weights file,
/// a FIFO, a symlink out of the folder, a subfolder.
const std::string& workDir()
{
    static const std::string dir = [] {
        char tmpl[] = "/tmp/netfold-fuzz-XXXXXX";
        const char* d = ::mkdtemp(tmpl);
        if (!d)
            std::abort();
        const std::string path(d);
        std::ofstream(path + "/weights.bin", std::ios::binary) << std::string(4096, '\x01');
        ::mkfifo((path + "/fifo").c_str(), 0600);
        std::error_code ec;
        fs::create_symlink("/etc/passwd", path + "/link_out", ec);
        fs::create_directory(path + "/sub", ec);
        return path;
    }();
    return dir;
}

void runModel(onnx::ModelProto&& proto)
{
    LoadOptions load;
    load.requireExternalData = true;
    Model model = openModelProto(std::move(proto), workDir(), load);
    model.sourcePath = workDir() + "/model.onnx";
    PipelineOptions options;
    options.pass.sizeLimit = 64 << 10;
    options.pass.eval.maxOutputBytes = 16 << 20;
    options.pass.foldSeconds = 0.5; // a node folding for longer is kept, as --check stops at 0.5 s
    options.maxRounds = 4;
    Pipeline pipeline(model, options);
    pipeline.runToFixedPoint();
    const Model& simplified = pipeline.current();
    // The check on small models only: a real network's convolutions under the sanitizers take
    // longer than a fuzz iteration should (the caps are checked between nodes).
    uint64_t weights = 0;
    for (const auto& i : pipeline.original().graph.initializers)
        weights += i.tensor->byteSize();
    if (weights > (64 << 10))
        return;
    VerifyOptions limits;
    limits.runs = 1;
    limits.maxDim = 64; // few grown sizes: a fuzz iteration stays short
    limits.maxBytes = 64 << 20;
    limits.maxIterations = 2000;
    limits.maxSeconds = 0.5;
    (void)modelToBytes(simplified);
    verifyModels(pipeline.original(), simplified, limits);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size > (1 << 20))
        return 0;
    onnx::ModelProto proto;
    if (!proto.ParseFromArray(data, static_cast<int>(size)))
        return 0;
    try {
        runModel(std::move(proto));
    } catch (const Error&) {
        // a clean, named refusal: what hostile input should get
    } catch (const std::exception& e) {
        // Anything else would reach the user as "Internal error": a finding.
        std::fprintf(stderr, "netfold fuzz: raw exception escaped: %s\n", e.what());
        std::abort();
    }
    return 0;
}

#ifdef NETFOLD_FUZZ_MUTATOR
// NETFOLD_FUZZ_ALLOCATION_PROBE=1 makes one 2 GB allocation before fuzzing: run_fuzz.sh checks
// that the 1 GB limit stops it (a limit that silently does nothing is how -malloc_limit_mb went
// unnoticed).
extern "C" int LLVMFuzzerInitialize(int*, char***)
{
    if (std::getenv("NETFOLD_FUZZ_ALLOCATION_PROBE")) {
        std::vector<char> big(std::size_t(2) << 30, 1);
        std::fprintf(stderr, "netfold fuzz: a 2 GB allocation (%d) went through: the 1 GB limit is not in effect\n",
                     big[big.size() / 2]);
        std::exit(3);
    }
    return 0;
}

namespace {

const int64_t kInteresting[] = {0, 1, -1, 2, 3, 4, 7, 64, 255, 256, 65535, int64_t(1) << 31, int64_t(1) << 32,
                                int64_t(1) << 41, int64_t(1) << 61, INT64_MAX, INT64_MIN, -2};
const char* const kOps[] = {"Expand", "Tile", "ConstantOfShape", "Range", "Reshape", "Slice", "Gather", "Concat",
                            "Transpose", "DepthToSpace", "SpaceToDepth", "Loop", "If", "Scan", "Shape", "Size",
                            "Add", "Div", "Mul", "Squeeze", "Unsqueeze", "Flatten", "Split", "Pad", "Resize",
                            "Conv", "BatchNormalization", "Gemm", "MatMul", "Cast", "Where", "TopK", "NonZero",
                            "ReduceSum", "Softmax", "OneHot", "ScatterND", "GatherND", "CumSum", "Einsum",
                            "MaxPool", "LpPool", "DFT", "RoiAlign", "MaxRoiPool", "NonMaxSuppression", "LRN", "Det",
                            "LSTM", "Attention", "GridSample", "STFT", "MelWeightMatrix", "AveragePool",
                            "LayerNormalization", "MaxUnpool", "SplitToSequence", "RNN", "GRU", "ConvInteger",
                            "QLinearConv", "ConvTranspose"};
const char* const kAttrs[] = {"axis", "axes", "perm", "blocksize", "to", "keepdims", "starts", "ends", "steps",
                              "value", "pads", "strides", "kernel_shape", "group", "epsilon", "k", "mode",
                              "dilations", "sampling_ratio", "pooled_shape", "size", "hidden_size", "batch_dims",
                              "num_scan_inputs", "onesided", "output_padding"};
// String attributes, with values ONNX's inference functions branch on (and malformed ones).
const char* const kStringAttrs[] = {"auto_pad", "equation", "mode", "coordinate_transformation_mode", "direction"};
const char* const kStrings[] = {"SAME_UPPER", "SAME_LOWER", "VALID", "NOTSET", "ij,jk->ik", "ij,jk", "AB", "{",
                                "...ij->...ji", "i,i", "linear", "nearest", "cubic", "reflect", "bidirectional",
                                "reverse", ""};
const char* const kLocations[] = {"weights.bin", "../../../../etc/passwd", "/etc/passwd", "fifo", "link_out",
                                  ".", "sub", "missing.bin", "sub/../weights.bin", "weights.bin\n"};

struct Rng {
    std::mt19937_64 gen;
    explicit Rng(unsigned seed) : gen(seed) {}
    std::size_t below(std::size_t n) { return n ? std::size_t(gen() % n) : 0; }
    bool coin() { return gen() & 1; }
    int64_t interesting() { return coin() ? kInteresting[below(std::size(kInteresting))] : int64_t(gen() % 17) - 2; }
};

void collectGraphs(onnx::GraphProto* g, std::vector<onnx::GraphProto*>& out, int depth = 0)
{
    out.push_back(g);
    if (depth > 4)
        return;
    for (auto& n : *g->mutable_node())
        for (auto& a : *n.mutable_attribute())
            if (a.has_g())
                collectGraphs(a.mutable_g(), out, depth + 1);
}

std::vector<onnx::TensorProto*> tensorsOf(onnx::GraphProto* g)
{
    std::vector<onnx::TensorProto*> out;
    for (auto& t : *g->mutable_initializer())
        out.push_back(&t);
    for (auto& n : *g->mutable_node())
        for (auto& a : *n.mutable_attribute())
            if (a.has_t())
                out.push_back(a.mutable_t());
    return out;
}

std::vector<std::string> valueNames(const onnx::GraphProto& g)
{
    std::vector<std::string> names;
    for (const auto& v : g.input())
        names.push_back(v.name());
    for (const auto& t : g.initializer())
        names.push_back(t.name());
    for (const auto& n : g.node())
        for (const auto& o : n.output())
            names.push_back(o);
    return names;
}

void mutateTensor(onnx::TensorProto* t, Rng& rng)
{
    switch (rng.below(6)) {
    case 0: // a dim
        if (t->dims_size() == 0 || rng.below(4) == 0)
            t->add_dims(rng.interesting());
        else
            t->set_dims(static_cast<int>(rng.below(std::size_t(t->dims_size()))), rng.interesting());
        break;
    case 1: // dtype
        t->set_data_type(static_cast<int32_t>(rng.below(22)));
        break;
    case 2: { // raw_data length
        std::string raw = t->raw_data();
        const std::size_t n = rng.coin() ? rng.below(raw.size() + 1) : raw.size() + rng.below(64);
        raw.resize(std::min<std::size_t>(n, 1 << 16), '\x7f');
        t->set_raw_data(raw);
        break;
    }
    case 3: { // raw bytes through libFuzzer's byte mutator
        std::string raw = t->raw_data();
        raw.resize(raw.size() + 16);
        const std::size_t n = LLVMFuzzerMutate(reinterpret_cast<uint8_t*>(&raw[0]), raw.size() - 16, raw.size());
        raw.resize(n);
        t->set_raw_data(raw);
        break;
    }
    case 4: { // external data entries
        t->set_data_location(onnx::TensorProto::EXTERNAL);
        t->clear_external_data();
        auto add = [t](const std::string& k, const std::string& v) {
            auto* e = t->add_external_data();
            e->set_key(k);
            e->set_value(v);
        };
        add("location", kLocations[rng.below(std::size(kLocations))]);
        if (rng.coin())
            add("offset", std::to_string(rng.interesting()));
        if (rng.coin())
            add("length", std::to_string(rng.interesting()));
        t->clear_raw_data();
        break;
    }
    default: // typed fields instead of raw
        t->clear_raw_data();
        t->clear_int64_data();
        for (std::size_t i = rng.below(5); i > 0; --i)
            t->add_int64_data(rng.interesting());
        break;
    }
}

void mutateNode(onnx::GraphProto* g, Rng& rng)
{
    if (g->node_size() == 0)
        return;
    onnx::NodeProto* n = g->mutable_node(static_cast<int>(rng.below(std::size_t(g->node_size()))));
    switch (rng.below(7)) {
    case 0: { // an attribute: int, ints or string
        onnx::AttributeProto* a = nullptr;
        if (n->attribute_size() > 0 && rng.coin())
            a = n->mutable_attribute(static_cast<int>(rng.below(std::size_t(n->attribute_size()))));
        if (rng.below(4) == 0) { // a string attribute
            const char* name = kStringAttrs[rng.below(std::size(kStringAttrs))];
            a = nullptr;
            for (auto& existing : *n->mutable_attribute())
                if (existing.name() == name)
                    a = &existing;
            if (!a)
                a = n->add_attribute();
            a->Clear();
            a->set_name(name);
            a->set_type(onnx::AttributeProto::STRING);
            a->set_s(kStrings[rng.below(std::size(kStrings))]);
            break;
        }
        if (!a || a->has_g()) {
            a = n->add_attribute();
            a->set_name(kAttrs[rng.below(std::size(kAttrs))]);
        }
        if (rng.coin()) {
            a->set_type(onnx::AttributeProto::INT);
            a->set_i(rng.interesting());
        } else {
            a->set_type(onnx::AttributeProto::INTS);
            a->clear_ints();
            for (std::size_t i = rng.below(6); i > 0; --i)
                a->add_ints(rng.interesting());
        }
        break;
    }
    case 1: { // rewire an input
        const auto names = valueNames(*g);
        if (n->input_size() == 0 || names.empty())
            n->add_input(names.empty() ? "" : names[rng.below(names.size())]);
        else
            n->set_input(static_cast<int>(rng.below(std::size_t(n->input_size()))),
                         rng.below(5) == 0 ? std::string() : names[rng.below(names.size())]);
        break;
    }
    case 2: // another op
        n->set_op_type(kOps[rng.below(std::size(kOps))]);
        break;
    case 3: // drop an input or output
        if (n->input_size() > 0 && rng.coin())
            n->mutable_input()->RemoveLast();
        else if (n->output_size() > 1)
            n->mutable_output()->RemoveLast();
        break;
    case 4: { // bodies: remove one, or give a node the main graph's copy as a body
        for (int i = 0; i < n->attribute_size(); ++i)
            if (n->attribute(i).has_g()) {
                n->mutable_attribute()->DeleteSubrange(i, 1);
                return;
            }
        auto* a = n->add_attribute();
        a->set_name(rng.coin() ? "body" : "then_branch");
        a->set_type(onnx::AttributeProto::GRAPH);
        onnx::GraphProto copy = *g;
        for (auto& m : *copy.mutable_node())
            m.clear_attribute();
        *a->mutable_g() = copy;
        break;
    }
    case 5: // domain
        n->set_domain(rng.coin() ? "" : "custom.domain");
        break;
    default: // a tensor attribute
        for (auto& a : *n->mutable_attribute())
            if (a.has_t()) {
                mutateTensor(a.mutable_t(), rng);
                return;
            }
        break;
    }
}

void mutateModel(onnx::ModelProto& m, Rng& rng)
{
    std::vector<onnx::GraphProto*> graphs;
    collectGraphs(m.mutable_graph(), graphs);
    onnx::GraphProto* g = graphs[rng.below(graphs.size())];
    const std::size_t choice = rng.below(10);
    if (choice < 4) {
        auto tensors = tensorsOf(g);
        if (!tensors.empty()) {
            mutateTensor(tensors[rng.below(tensors.size())], rng);
            return;
        }
    }
    if (choice < 8) {
        mutateNode(g, rng);
        return;
    }
    if (choice == 8) { // a value_info / input dim
        auto* list = rng.coin() ? g->mutable_input() : g->mutable_output();
        if (list->size() > 0) {
            auto* v = list->Mutable(static_cast<int>(rng.below(std::size_t(list->size()))));
            auto* shape = v->mutable_type()->mutable_tensor_type()->mutable_shape();
            if (shape->dim_size() > 0)
                shape->mutable_dim(static_cast<int>(rng.below(std::size_t(shape->dim_size()))))->set_dim_value(rng.interesting());
            else
                shape->add_dim()->set_dim_value(rng.interesting());
        }
        return;
    }
    // opsets
    if (m.opset_import_size() > 0)
        m.mutable_opset_import(0)->set_version(int64_t(rng.below(24)));
}

} // namespace

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t maxSize, unsigned int seed)
{
    Rng rng(seed);
    onnx::ModelProto m;
    if (rng.below(8) == 0 || !m.ParseFromArray(data, static_cast<int>(size)))
        return LLVMFuzzerMutate(data, size, maxSize);
    for (std::size_t k = 1 + rng.below(3); k > 0; --k)
        mutateModel(m, rng);
    std::string out;
    if (!m.SerializeToString(&out) || out.size() > maxSize)
        return LLVMFuzzerMutate(data, size, maxSize);
    std::memcpy(data, out.data(), out.size());
    return out.size();
}
#endif

#ifdef NETFOLD_FUZZ_REPLAY
int main(int argc, char** argv)
{
    int files = 0;
    for (int i = 1; i < argc; ++i) {
        std::error_code ec;
        std::vector<fs::path> paths;
        if (fs::is_directory(argv[i], ec)) {
            for (const auto& e : fs::recursive_directory_iterator(argv[i], ec))
                if (e.is_regular_file())
                    paths.push_back(e.path());
        } else {
            paths.emplace_back(argv[i]);
        }
        std::sort(paths.begin(), paths.end());
        for (const auto& p : paths) {
            std::ifstream in(p, std::ios::binary);
            const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            std::fprintf(stderr, "replay %s\n", p.c_str());
            LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
            ++files;
        }
    }
    std::printf("replayed %d inputs without a crash\n", files);
    return files > 0 ? 0 : 1;
}
#endif
