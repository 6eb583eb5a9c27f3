// Weights never all in memory (issue #14, item 6): simplifying and saving a model with ~200 MB of
// external data reads and writes only what folding touches. Untouched weights go file to file
// into OUT.data, duplicate elimination compares them in pieces, nothing is decoded, and the
// anonymous memory of the process stays far below the size of one weight. The model is
// generated at test time in a temp dir.
#include "TestSupport.h"

#include "model/DataType.h"
#include "util/Error.h"
#include "model/ModelIO.h"
#include "shape/Open.h"
#include "model/TensorStats.h"
#include "passes/Pipeline.h"

#include <onnx/onnx_pb.h>

#include <QtTest>

#include <QDir>
#include <QFile>
#include <QTemporaryDir>

#include <atomic>
#include <cmath>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <thread>
#include <unistd.h>

using namespace netfold;
using namespace netfold::test;

namespace {

constexpr int64_t kDim = 3584;                                // one weight: 3584 x 3584 float = 49 MiB
constexpr std::size_t kWeightBytes = std::size_t(kDim) * kDim * 4;
constexpr std::size_t kMiB = std::size_t(1) << 20;

/// Field of /proc/self/status in bytes ("RssAnon", "VmHWM", ...), or -1.
long long statusBytes(const char* key)
{
    std::ifstream f("/proc/self/status");
    std::string line;
    const std::string prefix = std::string(key) + ":";
    while (std::getline(f, line))
        if (line.rfind(prefix, 0) == 0)
            return std::atoll(line.c_str() + prefix.size()) * 1024;
    return -1;
}

/// Samples RssAnon every millisecond on a thread while alive; peak() is the largest seen.
class AnonSampler {
public:
    AnonSampler() : m_thread([this] {
        while (!m_stop.load()) {
            m_peak.store(std::max(m_peak.load(), statusBytes("RssAnon")));
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
    })
    {
    }
    ~AnonSampler() { stop(); }
    long long stop()
    {
        if (m_thread.joinable()) {
            m_stop.store(true);
            m_thread.join();
            m_peak.store(std::max(m_peak.load(), statusBytes("RssAnon")));
        }
        return m_peak.load();
    }

private:
    std::atomic<bool> m_stop{false};
    std::atomic<long long> m_peak{0};
    std::thread m_thread;
};

/// Deterministic floats in [-a, a], a = sqrt(3 / kDim) (unit variance through a MatMul).
void fillWeight(std::vector<float>& w, uint64_t seed)
{
    const float a = std::sqrt(3.0f / static_cast<float>(kDim));
    uint64_t s = seed * 0x9e3779b97f4a7c15ull + 1;
    for (auto& v : w) {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        v = (static_cast<float>(s >> 40) / static_cast<float>(1 << 24) * 2.0f - 1.0f) * a;
    }
}

/// A byte offset inside a big tensor that none of contentHash's 64 samples of 4 KB covers.
std::size_t unsampledOffset(std::size_t total)
{
    const std::size_t step = (total - 4096) / 63;
    return (step * 10 + step / 2) & ~std::size_t(3);
}

void addExternal(onnx::GraphProto& g, const std::string& name, std::vector<int64_t> dims, int64_t offset,
                 std::size_t length, const std::string& location)
{
    auto* t = g.add_initializer();
    t->set_name(name);
    t->set_data_type(dtype::Float);
    for (int64_t d : dims)
        t->add_dims(d);
    t->set_data_location(onnx::TensorProto::EXTERNAL);
    auto kv = [t](const std::string& k, const std::string& v) {
        auto* e = t->add_external_data();
        e->set_key(k);
        e->set_value(v);
    };
    kv("location", location);
    kv("offset", std::to_string(offset));
    kv("length", std::to_string(length));
}

void addNode(onnx::GraphProto& g, const std::string& op, std::vector<std::string> in, std::vector<std::string> out,
             const std::string& name)
{
    auto* n = g.add_node();
    n->set_op_type(op);
    n->set_name(name);
    for (const auto& i : in)
        n->add_input(i);
    for (const auto& o : out)
        n->add_output(o);
}

void addIntConstant(onnx::GraphProto& g, const std::string& out, std::vector<int64_t> dims, std::vector<int64_t> values)
{
    addNode(g, "Constant", {}, {out}, out);
    auto* a = g.mutable_node(g.node_size() - 1)->add_attribute();
    a->set_name("value");
    a->set_type(onnx::AttributeProto::TENSOR);
    auto* t = a->mutable_t();
    t->set_data_type(dtype::Int64);
    for (int64_t d : dims)
        t->add_dims(d);
    for (int64_t v : values)
        t->add_int64_data(v);
}

void valueInfo(onnx::ValueInfoProto* v, const std::string& name)
{
    v->set_name(name);
    auto* tt = v->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(dtype::Float);
    tt->mutable_shape()->add_dim()->set_dim_param("batch");
    tt->mutable_shape()->add_dim()->set_dim_value(kDim);
}

/// dir/big.onnx + big.onnx.data (~200 MB): x[batch, D] -> MatMul W0 -> Shape/Gather/Unsqueeze/
/// Concat -> Reshape -> MatMul W1 -> MatMul W2 -> MatMul W3 -> Add(Add(b, z)) -> y.
/// W2 has W1's bytes (a duplicate elimination must merge); W3 differs from W1 in one float that
/// no hash sample sees (it must stay). b and z are small external tensors; Add(b, z) folds.
void writeBigModel(const QString& dir)
{
    const std::string data = (dir + "/big.onnx.data").toStdString();
    const int fd = ::open(data.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    QVERIFY(fd >= 0);
    std::vector<float> w(static_cast<std::size_t>(kDim * kDim));
    int64_t offset = 0;
    bool written = true;
    auto put = [&](const void* p, std::size_t n) -> int64_t {
        written = written && ::pwrite(fd, p, n, offset) == static_cast<ssize_t>(n);
        const int64_t at = offset;
        offset += static_cast<int64_t>((n + 4095) / 4096 * 4096);
        return at;
    };
    onnx::ModelProto m;
    m.set_ir_version(8);
    m.set_producer_name("tst_bigweights");
    m.add_opset_import()->set_version(15);
    auto& g = *m.mutable_graph();
    g.set_name("big");
    fillWeight(w, 1);
    addExternal(g, "W0", {kDim, kDim}, put(w.data(), kWeightBytes), kWeightBytes, "big.onnx.data");
    fillWeight(w, 2);
    addExternal(g, "W1", {kDim, kDim}, put(w.data(), kWeightBytes), kWeightBytes, "big.onnx.data");
    addExternal(g, "W2", {kDim, kDim}, put(w.data(), kWeightBytes), kWeightBytes, "big.onnx.data");
    w[unsampledOffset(kWeightBytes) / 4] += 1.0f;
    addExternal(g, "W3", {kDim, kDim}, put(w.data(), kWeightBytes), kWeightBytes, "big.onnx.data");
    std::vector<float> b(static_cast<std::size_t>(kDim), 0.25f), z(static_cast<std::size_t>(kDim), 0.5f);
    addExternal(g, "b", {kDim}, put(b.data(), b.size() * 4), b.size() * 4, "big.onnx.data");
    addExternal(g, "z", {kDim}, put(z.data(), z.size() * 4), z.size() * 4, "big.onnx.data");
    QVERIFY(written);
    QCOMPARE(::close(fd), 0);

    valueInfo(g.add_input(), "x");
    valueInfo(g.add_output(), "y");
    addNode(g, "MatMul", {"x", "W0"}, {"h0"}, "/l0/MatMul");
    addNode(g, "Shape", {"h0"}, {"s"}, "/l0/Shape");
    addIntConstant(g, "i0", {}, {0});
    addIntConstant(g, "i1", {}, {1});
    addIntConstant(g, "axes", {1}, {0});
    addNode(g, "Gather", {"s", "i0"}, {"g0"}, "/l0/Gather_0");
    addNode(g, "Gather", {"s", "i1"}, {"g1"}, "/l0/Gather_1");
    addNode(g, "Unsqueeze", {"g0", "axes"}, {"u0"}, "/l0/Unsqueeze_0");
    addNode(g, "Unsqueeze", {"g1", "axes"}, {"u1"}, "/l0/Unsqueeze_1");
    addNode(g, "Concat", {"u0", "u1"}, {"c"}, "/l0/Concat");
    g.mutable_node(g.node_size() - 1)->add_attribute()->set_name("axis");
    g.mutable_node(g.node_size() - 1)->mutable_attribute(0)->set_type(onnx::AttributeProto::INT);
    g.mutable_node(g.node_size() - 1)->mutable_attribute(0)->set_i(0);
    addNode(g, "Reshape", {"h0", "c"}, {"r0"}, "/l0/Reshape");
    addNode(g, "MatMul", {"r0", "W1"}, {"h1"}, "/l1/MatMul");
    addNode(g, "MatMul", {"h1", "W2"}, {"h2"}, "/l2/MatMul");
    addNode(g, "MatMul", {"h2", "W3"}, {"h3"}, "/l3/MatMul");
    addNode(g, "Add", {"b", "z"}, {"bias"}, "/l3/Add_bias");
    addNode(g, "Add", {"h3", "bias"}, {"y"}, "/l3/Add");
    std::ofstream out((dir + "/big.onnx").toStdString(), std::ios::binary);
    QVERIFY(m.SerializeToOstream(&out));
}

const Tensor* find(const Model& m, const std::string& name)
{
    const Initializer* i = m.graph.findInitializer(name);
    return i ? i->tensor.get() : nullptr;
}

/// Compares two tensors' bytes by decoding each (the check itself may use memory).
bool sameDecoded(const Tensor& a, const Tensor& b)
{
    if (a.dtype() != b.dtype() || a.dims() != b.dims())
        return false;
    const ByteView x = a.bytes(), y = b.bytes();
    return x.size() == y.size() && std::memcmp(x.data(), y.data(), x.size()) == 0;
}

QStringList entries(const QString& dir) { return QDir(dir).entryList(QDir::Files | QDir::Hidden); }

} // namespace

class TestBigWeights : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void simplifyReadsOnlyWhatFoldingTouches();
    void inlineSaveStreamsFromFile();
    void chunkedReadsMatchDecoded();
    void dataShrunkAfterLoadFailsCleanly();
    void simplifiedModelRunsInOrt();

private:
    QTemporaryDir m_dir;
    QString m_model;
};

void TestBigWeights::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY(QDir(m_dir.path()).mkdir("in"));
    writeBigModel(m_dir.filePath("in"));
    m_model = m_dir.filePath("in/big.onnx");
    QVERIFY(QFileInfo(m_model + ".data").size() > qint64(4 * kWeightBytes));
}

void TestBigWeights::simplifyReadsOnlyWhatFoldingTouches()
{
    // Before the fix: duplicate elimination hashed every weight by decoding it and the save
    // decoded each one again to write it, so RssAnon grew by all ~200 MB and every weight
    // stayed decoded in the model.
    const Model model = openModel(m_model.toStdString());
    QVERIFY(model.warnings.empty());
    const long long before = statusBytes("RssAnon");
    QVERIFY(before > 0);
    const QString out = m_dir.filePath("simplified.onnx");
    long long peak = 0;
    Pipeline pipeline(model);
    {
        AnonSampler sampler;
        pipeline.runToFixedPoint();
        saveModel(pipeline.current(), out.toStdString());
        peak = sampler.stop();
    }
    const long long grown = peak - before;
    qInfo("RssAnon %lld MB after load, peak %lld MB while simplifying and saving (+%lld MB); one weight is %zu MB",
          before >> 20, peak >> 20, grown >> 20, kWeightBytes >> 20);
    QVERIFY2(grown < static_cast<long long>(kWeightBytes / 2),
             qPrintable(QString("anonymous memory grew by %1 MB").arg(grown >> 20)));

    const Model& simplified = pipeline.current();
    for (const char* name : {"W0", "W1", "W3"}) {
        const Tensor* t = find(simplified, name);
        QVERIFY2(t, name);
        QVERIFY2(!t->isDecoded(), name);
        QVERIFY2(!find(model, name)->isDecoded(), name);
    }
    // Duplicate elimination still works on weights it never decodes: W2 (W1's bytes) merged,
    // W3 (one float differs where no hash sample looks) kept.
    QVERIFY(!find(simplified, "W2"));
    QVERIFY(find(simplified, "W3"));
    // b + z folded into a new tensor (its name is the folding's choice).
    QVERIFY(!find(simplified, "b") && !find(simplified, "z"));
    std::string folded;
    for (const auto& init : simplified.graph.initializers)
        if (!find(model, init.name))
            folded = init.name;
    QVERIFY(!folded.empty());

    // The saved pair holds the same bytes: every weight equal to the input's, the folded bias
    // written from memory.
    QVERIFY(QFile::exists(out + ".data"));
    const Model saved = openModel(out.toStdString(), LoadOptions{true, false});
    for (const char* name : {"W0", "W1", "W3"}) {
        const Tensor* t = find(saved, name);
        QVERIFY2(t && t->storage() == Tensor::Storage::External, name);
        QVERIFY2(sameDecoded(*t, *find(model, name)), name);
    }
    const Tensor* bias = find(saved, folded);
    QVERIFY(bias);
    QCOMPARE(bias->numel(), kDim);
    for (int64_t i = 0; i < kDim; i += 97)
        QCOMPARE(bias->at(i), 0.75);
    QCOMPARE(saved.graph.nodes.size(), simplified.graph.nodes.size());
    QStringList expected{"simplified.onnx", "simplified.onnx.data"};
    QStringList got = entries(m_dir.path());
    QCOMPARE(got, expected);
}

void TestBigWeights::inlineSaveStreamsFromFile()
{
    // Saved without external data, weights are streamed from their file into the model file.
    const Model model = openModel(m_model.toStdString());
    const long long before = statusBytes("RssAnon");
    const QString out = m_dir.filePath("inline/inline.onnx");
    QVERIFY(QDir(m_dir.path()).mkpath("inline"));
    SaveOptions never;
    never.external = SaveOptions::External::Never;
    long long peak = 0;
    {
        AnonSampler sampler;
        saveModel(model, out.toStdString(), never);
        peak = sampler.stop();
    }
    QVERIFY2(peak - before < static_cast<long long>(kWeightBytes / 2),
             qPrintable(QString("anonymous memory grew by %1 MB").arg((peak - before) >> 20)));
    QVERIFY(!find(model, "W0")->isDecoded());
    QVERIFY(!QFile::exists(out + ".data"));
    const Model saved = openModel(out.toStdString());
    for (const char* name : {"W0", "W1", "W2", "W3", "b", "z"}) {
        const Tensor* t = find(saved, name);
        QVERIFY2(t && t->storage() == Tensor::Storage::Raw, name);
        QVERIFY2(sameDecoded(*t, *find(model, name)), name);
    }
    QVERIFY(QDir(m_dir.filePath("inline")).removeRecursively());
}

void TestBigWeights::chunkedReadsMatchDecoded()
{
    // The piecewise paths agree with decoding: sameContent, contentHash, readBytes, forEachChunk.
    const Model a = openModel(m_model.toStdString());
    const Model b = openModel(m_model.toStdString());
    const Tensor& w1 = *find(a, "W1");
    const Tensor& w2 = *find(a, "W2");
    const Tensor& w3 = *find(a, "W3");
    QVERIFY(w1.readsFromFile());
    QVERIFY(w1.sameContent(w2));
    QVERIFY(!w1.sameContent(w3));
    QCOMPARE(w1.contentHash(), w2.contentHash());
    QCOMPARE(w1.contentHash(), w3.contentHash()); // the difference is between samples
    QVERIFY(!w1.isDecoded() && !w2.isDecoded() && !w3.isDecoded());
    // A decoded copy (other model) and a computed tensor compare and hash like the file's bytes.
    const Tensor& w3b = *find(b, "W3");
    (void)w3b.bytes();
    QVERIFY(w3b.isDecoded());
    QVERIFY(w3.sameContent(w3b));
    QVERIFY(!w1.sameContent(w3b));
    QCOMPARE(w3.contentHash(), w3b.contentHash());
    const Tensor computed(w3b.dtype(), w3b.dims(), w3b.bytes().toBytes());
    QVERIFY(w3.sameContent(computed) && computed.sameContent(w3));
    QCOMPARE(computed.contentHash(), w3.contentHash());
    // readBytes at the differing float, and forEachChunk over the whole tensor.
    const std::size_t at = unsampledOffset(kWeightBytes);
    float x1 = 0, x3 = 0;
    w1.readBytes(at, 4, reinterpret_cast<uint8_t*>(&x1));
    w3.readBytes(at, 4, reinterpret_cast<uint8_t*>(&x3));
    QCOMPARE(x3, x1 + 1.0f);
    std::size_t seen = 0;
    bool equal = true;
    const uint8_t* ref = w3b.bytes().data();
    w3.forEachChunk(
        [&](const uint8_t* p, std::size_t n) {
            equal = equal && n <= kMiB && std::memcmp(p, ref + seen, n) == 0;
            seen += n;
            return true;
        },
        kMiB);
    QCOMPARE(seen, kWeightBytes);
    QVERIFY(equal);
    QVERIFY_EXCEPTION_THROWN(w3.readBytes(kWeightBytes - 2, 4, reinterpret_cast<uint8_t*>(&x3)), Error);
    // writeTo a pipe, where the kernel cannot copy_file_range: the bounded read/write loop.
    const Tensor& bias = *find(a, "b");
    QVERIFY(bias.readsFromFile());
    int pipeFds[2];
    QCOMPARE(::pipe(pipeFds), 0);
    QVERIFY(bias.writeTo(pipeFds[1]));
    ::close(pipeFds[1]);
    std::vector<float> got(static_cast<std::size_t>(kDim));
    std::size_t have = 0;
    for (ssize_t r; have < got.size() * 4 && (r = ::read(pipeFds[0], reinterpret_cast<char*>(got.data()) + have, got.size() * 4 - have)) > 0;)
        have += static_cast<std::size_t>(r);
    ::close(pipeFds[0]);
    QCOMPARE(have, got.size() * 4);
    QCOMPARE(got.front(), 0.25f);
    QCOMPARE(got.back(), 0.25f);
    QVERIFY(!bias.isDecoded());
    // Statistics of a weight in a file read it in pieces: the tensor is not decoded.
    const TensorStats s = computeTensorStats(w1);
    QVERIFY(s.complete);
    QVERIFY(!w1.isDecoded());
    const TensorStats ref1 = computeTensorStats(*find(b, "W1"));
    QCOMPARE(s.count, ref1.count);
    QCOMPARE(s.min, ref1.min);
    QCOMPARE(s.max, ref1.max);
    QCOMPARE(s.mean, ref1.mean);
    QCOMPARE(s.histogram, ref1.histogram);
}

void TestBigWeights::dataShrunkAfterLoadFailsCleanly()
{
    // The input's data file shrinks between load and save: the save fails with the tensor
    // named and leaves no file, like any failed save.
    QTemporaryDir dir;
    const QString in = dir.filePath("small.onnx");
    {
        Model m = openModel(m_model.toStdString());
        m.graph.initializers.erase(m.graph.initializers.begin() + 1, m.graph.initializers.begin() + 4);
        m.graph.nodes.clear();
        m.graph.outputs.clear();
        ValueInfo o;
        o.name = "W0";
        m.graph.outputs.push_back(o);
        m.graph.inputs.clear();
        SaveOptions always;
        always.external = SaveOptions::External::Always;
        saveModel(m, in.toStdString(), always);
    }
    const Model m = openModel(in.toStdString());
    QVERIFY(find(m, "W0") && find(m, "W0")->readsFromFile());
    QVERIFY(::truncate((in + ".data").toLocal8Bit().constData(), 1 << 20) == 0);
    QVERIFY(QDir(dir.path()).mkdir("o"));
    try {
        saveModel(m, dir.filePath("o/out.onnx").toStdString());
        QFAIL("saved a model whose data file is too short");
    } catch (const Error& e) {
        QVERIFY2(QString(e.what()).contains("W0"), e.what());
        QVERIFY2(QString(e.what()).contains("too short"), e.what());
    }
    QCOMPARE(entries(dir.filePath("o")), QStringList());
}

void TestBigWeights::simplifiedModelRunsInOrt()
{
    // The saved model is valid and computes what the original does (ONNX Runtime).
    if (!haveOrt())
        QSKIP("onnxruntime-node is not installed in tests/ort (run ./test, which installs it)");
    const QString out = m_dir.filePath("simplified.onnx");
    QVERIFY(QFile::exists(out));
    const ProcessResult r =
        run("node", {sourcePath("tests/ort/compare.js"), m_model, out, "--runs", "1", "--rtol", "1e-4"}, 600000);
    QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
}

QTEST_GUILESS_MAIN(TestBigWeights)
#include "tst_bigweights.moc"
