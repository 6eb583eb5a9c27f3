#include "model/ModelIO.h"

#include "model/DataType.h"
#include "util/Error.h"
#include "util/FdIo.h"

#include <onnx/onnx_pb.h>

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl.h>
#include <google/protobuf/unknown_field_set.h>
#include <google/protobuf/wire_format_lite.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <functional>
#include <queue>
#include <csignal>
#include <sys/stat.h>
#include <unistd.h>
#include <unordered_map>
#include <string_view>
#include <unordered_set>

namespace fs = std::filesystem;

namespace netfold {

ValueType valueTypeFromProto(const onnx::TypeProto& type)
{
    ValueType vt;
    const onnx::TypeProto_Tensor* tensor = nullptr;
    switch (type.value_case()) {
    case onnx::TypeProto::kTensorType: tensor = &type.tensor_type(); break;
    case onnx::TypeProto::kSparseTensorType: {
        vt.kind = "sparse";
        vt.elemType = type.sparse_tensor_type().elem_type();
        return vt;
    }
    case onnx::TypeProto::kSequenceType:
        vt.kind = "sequence";
        if (type.sequence_type().elem_type().has_tensor_type())
            vt.elemType = type.sequence_type().elem_type().tensor_type().elem_type();
        return vt;
    case onnx::TypeProto::kOptionalType:
        vt.kind = "optional";
        if (type.optional_type().elem_type().has_tensor_type())
            vt.elemType = type.optional_type().elem_type().tensor_type().elem_type();
        return vt;
    case onnx::TypeProto::kMapType: vt.kind = "map"; return vt;
    default: return vt;
    }
    vt.elemType = tensor->elem_type();
    if (tensor->has_shape()) {
        vt.hasShape = true;
        for (const auto& d : tensor->shape().dim()) {
            Dim dim;
            if (d.has_dim_value())
                dim.value = d.dim_value();
            else if (d.has_dim_param())
                dim.param = d.dim_param();
            vt.dims.push_back(dim);
        }
    }
    return vt;
}

void valueTypeToProto(const ValueType& vt, onnx::TypeProto& proto)
{
    proto.Clear();
    onnx::TypeProto_Tensor* tensor = nullptr;
    if (vt.kind == "sequence") {
        tensor = proto.mutable_sequence_type()->mutable_elem_type()->mutable_tensor_type();
    } else if (vt.kind == "optional") {
        tensor = proto.mutable_optional_type()->mutable_elem_type()->mutable_tensor_type();
    } else if (vt.kind == "sparse") {
        proto.mutable_sparse_tensor_type()->set_elem_type(vt.elemType);
        return;
    } else if (vt.kind == "map") {
        proto.mutable_map_type();
        return;
    } else {
        tensor = proto.mutable_tensor_type();
    }
    tensor->set_elem_type(vt.elemType);
    if (vt.hasShape) {
        auto* shape = tensor->mutable_shape();
        for (const auto& d : vt.dims) {
            auto* pd = shape->add_dim();
            if (d.known())
                pd->set_dim_value(d.value);
            else if (!d.param.empty())
                pd->set_dim_param(d.param);
        }
    }
}

namespace {

/// Tensors inside node attributes (Constant's value, ...): lengths checked like initializers';
/// external data is refused there (it would resolve against no folder).
void validateAttributeTensors(const onnx::AttributeProto& attr, const onnx::NodeProto& np)
{
    if (!attr.has_t() && attr.tensors_size() == 0 && !attr.has_sparse_tensor() && attr.sparse_tensors_size() == 0)
        return; // no tensor in it (most attributes): no message to prepare
    const std::string what = "Attribute " + quote(attr.name()) + " of node " + quote(np.name()) + " ("
                             + oneLine(np.op_type()) + ")";
    auto check = [&](const onnx::TensorProto& t) {
        validateTensorProto(t, what);
        if (t.data_location() == onnx::TensorProto::EXTERNAL)
            throw Error(what + " keeps its tensor in external data, which netfold does not read for attributes.");
    };
    if (attr.has_t())
        check(attr.t());
    for (const auto& t : attr.tensors())
        check(t);
    if (attr.has_sparse_tensor()) {
        check(attr.sparse_tensor().values());
        check(attr.sparse_tensor().indices());
    }
    for (const auto& t : attr.sparse_tensors()) {
        check(t.values());
        check(t.indices());
    }
}

struct Converter {
    const std::string& baseDir;
    NodeId nextId = 1;

    ValueInfo valueInfo(const onnx::ValueInfoProto& v)
    {
        ValueInfo info{v.name(), v.has_type() ? valueTypeFromProto(v.type()) : ValueType{}, v.doc_string(), {}};
        if (v.unknown_fields().field_count() > 0)
            v.unknown_fields().SerializeToString(&info.unknownFields);
        return info;
    }

    std::shared_ptr<Graph> graph(onnx::GraphProto& g)
    {
        auto out = std::make_shared<Graph>();
        out->name = g.name();
        out->docString = g.doc_string();
        if (g.unknown_fields().field_count() > 0)
            g.unknown_fields().SerializeToString(&out->unknownFields);
        // "" names an absent optional input: a value of that name would stand in for every one.
        auto named = [&](const std::string& name, const char* what) {
            if (name.empty())
                throw Error("Graph " + quote(g.name()) + " has " + what + " with an empty name.");
        };
        for (const auto& v : g.input()) {
            named(v.name(), "an input");
            out->inputs.push_back(valueInfo(v));
        }
        for (const auto& v : g.output()) {
            named(v.name(), "an output");
            out->outputs.push_back(valueInfo(v));
        }
        for (const auto& v : g.value_info())
            if (v.has_type() && !v.name().empty())
                out->types[v.name()] = valueTypeFromProto(v.type());
        for (auto& v : out->inputs)
            if (v.type.known())
                out->types[v.name] = v.type;
        for (auto& v : out->outputs)
            if (v.type.known())
                out->types[v.name] = v.type;
        out->initializers.reserve(static_cast<std::size_t>(g.initializer_size()));
        for (auto& t : *g.mutable_initializer()) {
            auto proto = std::make_shared<onnx::TensorProto>();
            proto->Swap(&t);
            const std::string name = proto->name();
            named(name, "an initializer");
            auto tensor = std::make_shared<const Tensor>(std::shared_ptr<const onnx::TensorProto>(std::move(proto)), baseDir);
            ValueType vt;
            vt.elemType = tensor->dtype();
            vt.hasShape = true;
            for (int64_t d : tensor->dims())
                vt.dims.push_back(Dim{d, {}});
            out->types[name] = vt;
            out->initializers.push_back({name, std::move(tensor)});
        }
        for (auto& s : *g.mutable_sparse_initializer()) {
            validateTensorProto(s.values(), "Sparse initializer " + quote(s.values().name()) + " (values)");
            validateTensorProto(s.indices(), "Sparse initializer " + quote(s.values().name()) + " (indices)");
            if (s.values().data_location() == onnx::TensorProto::EXTERNAL
                || s.indices().data_location() == onnx::TensorProto::EXTERNAL)
                throw Error("Sparse initializer " + quote(s.values().name())
                            + " keeps its values in external data, which netfold does not read.");
            auto proto = std::make_shared<onnx::SparseTensorProto>();
            proto->Swap(&s);
            out->sparseInitializers.push_back(std::move(proto));
        }
        out->nodes.reserve(static_cast<std::size_t>(g.node_size()));
        for (auto& np : *g.mutable_node()) {
            Node node;
            node.id = nextId++;
            node.name = np.name();
            node.opType = np.op_type();
            node.domain = np.domain() == "ai.onnx" ? std::string() : np.domain();
            node.inputs.assign(np.input().begin(), np.input().end());
            node.outputs.assign(np.output().begin(), np.output().end());
            for (int a = 0; a < np.attribute_size(); ++a)
                for (int b = 0; b < a; ++b)
                    if (np.attribute(a).name() == np.attribute(b).name())
                        // ONNX's checker refuses it; its inference would read the last one and
                        // netfold's checks the first.
                        throw Error("Node " + quote(np.name()) + " (" + np.op_type() + ") has two attributes named "
                                    + quote(np.attribute(a).name()) + ".");
            for (auto& attr : *np.mutable_attribute()) {
                validateAttributeTensors(attr, np);
                if (attr.has_g()) {
                    node.subgraphs.push_back({attr.name(), graph(*attr.mutable_g())});
                    attr.mutable_g()->Clear();
                }
                if (attr.graphs_size() > 0)
                    throw Error("Node " + quote(np.name()) + " (" + np.op_type()
                                + ") has a list-of-graphs attribute, which netfold does not support.");
            }
            auto proto = std::make_shared<onnx::NodeProto>();
            proto->Swap(&np);
            proto->clear_input();
            proto->clear_output();
            node.proto = std::move(proto);
            out->nodes.push_back(std::move(node));
        }
        return out;
    }
};

std::string nodeWhat(const Node& n, bool capital = false)
{
    return (capital ? "Node " : "node ") + quote(n.label()) + " (" + n.opType + ")";
}

/// Prefix of the temp files a save of path writes beside it: ".NAME.tmp-".
std::string tempPrefix(const fs::path& target) { return "." + target.filename().string() + ".tmp-"; }

/// Removes temp files a killed save of path left behind: ".NAME.tmp-PID-XXXXXX" whose process is gone.
void removeStaleTemps(const fs::path& target)
{
    const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
    const std::string prefix = tempPrefix(target);
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.rfind(prefix, 0) != 0)
            continue;
        const std::string rest = name.substr(prefix.size());
        const auto dash = rest.find('-');
        if (dash == std::string::npos || dash == 0 || rest.find_first_not_of("0123456789") != dash)
            continue;
        const long pid = std::strtol(rest.substr(0, dash).c_str(), nullptr, 10);
        if (pid <= 0 || pid == static_cast<long>(::getpid()))
            continue;
        if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) {
            struct stat st {};
            if (::lstat(it->path().c_str(), &st) == 0 && S_ISREG(st.st_mode))
                ::unlink(it->path().c_str());
        }
    }
}

/// A file written beside its final path, renamed into place by commit(); removed unless committed.
class TempFile {
public:
    TempFile(const std::string& finalPath, const std::function<bool(int fd)>& write) : m_final(finalPath)
    {
        const fs::path target(finalPath);
        const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
        std::error_code ec;
        if (!fs::is_directory(dir, ec))
            throw Error("Cannot write " + quote(finalPath) + ": folder " + quote(dir.string()) + " does not exist.");
        const std::string tmpl = (dir / (tempPrefix(target) + std::to_string(::getpid()) + "-XXXXXX")).string();
        std::vector<char> buf(tmpl.begin(), tmpl.end());
        buf.push_back('\0');
        const int fd = ::mkstemp(buf.data());
        if (fd < 0)
            throw Error("Cannot write " + quote(finalPath) + ": " + std::strerror(errno) + ".");
        m_temp = buf.data();
        bool ok = false;
        errno = 0;
        try {
            ok = write(fd) && ::fsync(fd) == 0;
        } catch (...) {
            ::close(fd);
            ::unlink(m_temp.c_str());
            throw;
        }
        const int savedErrno = errno;
        ok = (::close(fd) == 0) && ok;
        if (!ok) {
            ::unlink(m_temp.c_str());
            throw Error("Cannot write " + quote(finalPath) + ": " + std::strerror(savedErrno ? savedErrno : EIO) + ".");
        }
        ::chmod(m_temp.c_str(), 0644);
    }
    ~TempFile()
    {
        if (!m_temp.empty())
            ::unlink(m_temp.c_str());
    }
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;

    /// Renames the temp file over the final path; throws Error (the temp file is removed).
    void commit()
    {
        if (::rename(m_temp.c_str(), m_final.c_str()) != 0) {
            const int e = errno;
            throw Error("Cannot write " + quote(m_final) + ": " + std::strerror(e) + ".");
        }
        m_temp.clear();
    }

private:
    std::string m_final;
    std::string m_temp;
};

/// Every file the model still reads: its source and its external data files (subgraphs included).
void filesRead(const Graph& g, std::vector<std::string>& out)
{
    for (const auto& i : g.initializers)
        if (i.tensor->storage() == Tensor::Storage::External)
            out.push_back(i.tensor->externalPath());
    for (const auto& n : g.nodes)
        for (const auto& sg : n.subgraphs)
            if (sg.graph)
                filesRead(*sg.graph, out);
}

/// Refuses outputs that are not regular files (devices, FIFOs, sockets, folders).
void checkWritableTarget(const std::string& path)
{
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        return; // does not exist yet
    if (S_ISDIR(st.st_mode))
        throw Error("Cannot write " + quote(path) + ": it is a directory.");
    if (!S_ISREG(st.st_mode))
        throw Error("Cannot write " + quote(path) + ": it is a device, FIFO or socket, not a regular file.");
}

void graphToProtoWith(const Graph& g, onnx::GraphProto& out,
                      const std::function<void(const Initializer&, onnx::TensorProto&)>& writeTensor,
                      bool withInitializers = true)
{
    out.Clear();
    out.set_name(g.name);
    if (!g.docString.empty())
        out.set_doc_string(g.docString);
    if (!g.unknownFields.empty())
        out.mutable_unknown_fields()->ParseFromString(g.unknownFields);
    for (const auto& n : g.nodes) {
        auto* np = out.add_node();
        if (n.proto)
            np->CopyFrom(*n.proto);
        np->clear_input();
        np->clear_output();
        np->set_name(n.name);
        np->set_op_type(n.opType);
        if (!n.domain.empty() || !np->domain().empty())
            np->set_domain(n.domain);
        for (const auto& i : n.inputs)
            np->add_input(i);
        for (const auto& o : n.outputs)
            np->add_output(o);
        for (const auto& sg : n.subgraphs) {
            onnx::AttributeProto* attr = nullptr;
            for (auto& a : *np->mutable_attribute())
                if (a.name() == sg.attribute)
                    attr = &a;
            if (!attr) {
                attr = np->add_attribute();
                attr->set_name(sg.attribute);
                attr->set_type(onnx::AttributeProto::GRAPH);
            }
            graphToProtoWith(*sg.graph, *attr->mutable_g(), writeTensor);
        }
    }
    std::unordered_set<std::string> declared;
    for (const auto& v : g.inputs) {
        auto* vp = out.add_input();
        vp->set_name(v.name);
        if (!v.docString.empty())
            vp->set_doc_string(v.docString);
        if (v.type.known())
            valueTypeToProto(v.type, *vp->mutable_type());
        if (!v.unknownFields.empty())
            vp->mutable_unknown_fields()->ParseFromString(v.unknownFields);
        declared.insert(v.name);
    }
    for (const auto& v : g.outputs) {
        auto* vp = out.add_output();
        vp->set_name(v.name);
        if (!v.docString.empty())
            vp->set_doc_string(v.docString);
        if (v.type.known())
            valueTypeToProto(v.type, *vp->mutable_type());
        if (!v.unknownFields.empty())
            vp->mutable_unknown_fields()->ParseFromString(v.unknownFields);
        declared.insert(v.name);
    }
    for (const auto& init : g.initializers) {
        if (withInitializers)
            writeTensor(init, *out.add_initializer());
        declared.insert(init.name);
    }
    for (const auto& s : g.sparseInitializers)
        out.add_sparse_initializer()->CopyFrom(*s);
    // value_info for intermediates, in node order (deterministic).
    for (const auto& n : g.nodes)
        for (const auto& o : n.outputs) {
            if (o.empty() || declared.count(o))
                continue;
            auto it = g.types.find(o);
            if (it == g.types.end() || !it->second.known())
                continue;
            auto* vp = out.add_value_info();
            vp->set_name(o);
            valueTypeToProto(it->second, *vp->mutable_type());
            declared.insert(o);
        }
}

void modelHeaderToProto(const Model& model, onnx::ModelProto& proto)
{
    proto.Clear();
    if (model.extras)
        proto.CopyFrom(*model.extras);
    proto.clear_graph();
    proto.clear_opset_import();
    proto.clear_metadata_props();
    proto.set_ir_version(model.irVersion);
    for (const auto& o : model.opsets) {
        auto* op = proto.add_opset_import();
        op->set_domain(o.domain);
        op->set_version(o.version);
    }
    // Fields the file did not have stay absent while empty (so load -> save keeps every byte).
    if (!model.producerName.empty() || proto.has_producer_name())
        proto.set_producer_name(model.producerName);
    if (!model.producerVersion.empty() || proto.has_producer_version())
        proto.set_producer_version(model.producerVersion);
    if (!model.domain.empty() || proto.has_domain())
        proto.set_domain(model.domain);
    if (model.modelVersion != 0 || proto.has_model_version())
        proto.set_model_version(model.modelVersion);
    if (!model.docString.empty() || proto.has_doc_string())
        proto.set_doc_string(model.docString);
    for (const auto& kv : model.metadata) {
        auto* p = proto.add_metadata_props();
        p->set_key(kv.first);
        p->set_value(kv.second);
    }
}

/// One initializer as it goes to the file: a serialized TensorProto head and, for numeric
/// tensors, the element bytes appended as raw_data (protobuf merges fields in any order), so
/// weights are written from where they already are instead of being copied into a new proto.
struct TensorChunk {
    std::string head;
    std::string_view raw;
    bool hasRaw = false;
    /// Set for a tensor whose bytes stay in its external file: they are streamed from there in
    /// pieces while writing (raw is empty then; rawSize says how many bytes).
    const Tensor* fromFile = nullptr;
    std::size_t rawSize = 0;

    std::size_t size() const
    {
        using WFL = google::protobuf::internal::WireFormatLite;
        return head.size() + (hasRaw ? 1 + WFL::LengthDelimitedSize(rawSize) : 0);
    }
};

TensorChunk tensorChunk(const Initializer& init)
{
    const Tensor& t = *init.tensor;
    TensorChunk c;
    const onnx::TensorProto* src = t.sourceProto();
    // 4-bit tensors are written packed by toProto; a source proto with fields ONNX 1.12 does not
    // know (metadata_props) is copied whole so they survive.
    if (t.dtype() == dtype::String || (src && t.storage() == Tensor::Storage::Typed) || isPackedType(t.dtype())
        || (src && t.storage() == Tensor::Storage::Raw && src->unknown_fields().field_count() > 0)) {
        onnx::TensorProto p;
        t.toProto(p, init.name);
        c.head = p.SerializeAsString();
        return c;
    }
    onnx::TensorProto meta;
    meta.set_name(init.name);
    meta.set_data_type(t.dtype());
    for (int64_t d : t.dims())
        meta.add_dims(d);
    if (src && !src->doc_string().empty())
        meta.set_doc_string(src->doc_string());
    c.head = meta.SerializeAsString();
    if (t.readsFromFile()) {
        c.fromFile = &t;
        c.rawSize = t.byteSize();
    } else {
        c.raw = t.elementBytes();
        c.rawSize = c.raw.size();
    }
    c.hasRaw = true;
    return c;
}

bool writeModelStreaming(const Model& model, int fd)
{
    using WFL = google::protobuf::internal::WireFormatLite;
    onnx::ModelProto header;
    modelHeaderToProto(model, header);
    onnx::GraphProto graph;
    graphToProtoWith(
        model.graph, graph, [](const Initializer& init, onnx::TensorProto& t) { init.tensor->toProto(t, init.name); },
        false);
    const std::string headerBytes = header.SerializeAsString();
    const std::string graphBytes = graph.SerializeAsString();
    std::vector<TensorChunk> chunks;
    chunks.reserve(model.graph.initializers.size());
    std::size_t graphSize = graphBytes.size();
    for (const auto& init : model.graph.initializers) {
        chunks.push_back(tensorChunk(init));
        graphSize += 1 + WFL::LengthDelimitedSize(chunks.back().size());
    }
    if (graphSize + headerBytes.size() > static_cast<std::size_t>(INT_MAX))
        throw Error("The model is over 2 GB; save it with external data.");
    google::protobuf::io::FileOutputStream file(fd);
    {
        google::protobuf::io::CodedOutputStream out(&file);
        out.WriteRaw(headerBytes.data(), static_cast<int>(headerBytes.size()));
        out.WriteTag(WFL::MakeTag(onnx::ModelProto::kGraphFieldNumber, WFL::WIRETYPE_LENGTH_DELIMITED));
        out.WriteVarint64(graphSize);
        out.WriteRaw(graphBytes.data(), static_cast<int>(graphBytes.size()));
        for (const auto& c : chunks) {
            out.WriteTag(WFL::MakeTag(onnx::GraphProto::kInitializerFieldNumber, WFL::WIRETYPE_LENGTH_DELIMITED));
            out.WriteVarint64(c.size());
            out.WriteRaw(c.head.data(), static_cast<int>(c.head.size()));
            if (c.hasRaw) {
                out.WriteTag(WFL::MakeTag(onnx::TensorProto::kRawDataFieldNumber, WFL::WIRETYPE_LENGTH_DELIMITED));
                out.WriteVarint64(c.rawSize);
                if (c.fromFile)
                    c.fromFile->forEachChunk([&out](const uint8_t* data, std::size_t n) {
                        out.WriteRaw(data, static_cast<int>(n));
                        return !out.HadError();
                    });
                else if (!c.raw.empty()) // an empty tensor's view has no data pointer
                    out.WriteRaw(c.raw.data(), static_cast<int>(c.raw.size()));
            }
        }
        if (out.HadError())
            return false;
    }
    return file.Flush();
}

bool anyExternal(const Graph& g, std::size_t& totalBytes)
{
    bool any = false;
    for (const auto& i : g.initializers) {
        totalBytes += i.tensor->byteSize();
        any = any || i.tensor->storage() == Tensor::Storage::External;
    }
    for (const auto& n : g.nodes)
        for (const auto& sg : n.subgraphs)
            any = anyExternal(*sg.graph, totalBytes) || any;
    return any;
}

/// True when path is dir or lies inside it (both already made absolute and free of symlinks and dots).
bool isInside(const fs::path& path, const fs::path& dir)
{
    auto p = path.begin();
    for (auto d = dir.begin(); d != dir.end(); ++d, ++p) {
        if (d->empty())
            continue; // a trailing separator
        if (p == path.end() || *p != *d)
            return false;
    }
    return true;
}

/// External data must be a regular file inside the model's folder (after symlinks) and long
/// enough for the tensor. Escapes and non-regular files are always errors; a missing or short
/// file is an error with options.requireExternalData, a warning otherwise.
void checkExternalData(Model& model, const std::string& name, const Tensor& t, const LoadOptions& options,
                       std::unordered_set<std::string>& noted)
{
    const std::string what = "Tensor " + quote(name);
    const std::string& location = t.externalLocation();
    if (model.baseDir.empty())
        throw Error(what + " keeps its values in external data " + quote(location)
                    + ", but the model was not read from a file, so there is no folder to read it from.");
    std::error_code ec;
    const fs::path base = fs::weakly_canonical(fs::absolute(model.baseDir, ec), ec);
    const fs::path resolved = fs::weakly_canonical(fs::absolute(t.externalPath(), ec), ec);
    if (!options.allowExternalDataAnywhere && (fs::path(location).is_absolute() || !isInside(resolved, base)))
        throw Error(what + ": external data location " + quote(location)
                    + " is outside the model's folder; netfold reads external data only from there"
                      " (a trusted model may allow it: --allow-external-data-anywhere).");
    struct stat st {};
    if (::stat(t.externalPath().c_str(), &st) != 0) {
        const std::string msg = "External data file " + quote(t.externalPath()) + " (for " + quote(name)
                                + ") cannot be read: " + std::strerror(errno) + "; its values cannot be read.";
        if (options.requireExternalData)
            throw Error(msg);
        if (noted.insert("ext:" + t.externalPath()).second)
            model.warnings.push_back(msg);
        return;
    }
    if (!S_ISREG(st.st_mode))
        throw Error(what + ": external data " + quote(location) + " is not a regular file.");
    const auto size = static_cast<uint64_t>(st.st_size);
    const auto offset = static_cast<uint64_t>(t.externalOffset());
    const uint64_t need = t.byteSize();
    if (offset > size || need > size - offset) {
        const std::string msg = what + ": external data file " + quote(t.externalPath()) + " is too short ("
                                + std::to_string(size) + " bytes) for " + std::to_string(need) + " bytes at offset "
                                + std::to_string(offset) + ".";
        if (options.requireExternalData)
            throw Error(msg);
        if (noted.insert("short:" + name).second)
            model.warnings.push_back(msg);
    }
}

} // namespace

void validateGraph(Graph& graph, const std::vector<std::string>& outerScope)
{
    // Names are looked at in place (string_views into the graph and outerScope, which do not
    // change until the nodes are reordered at the end).
    std::unordered_set<std::string_view> available(outerScope.begin(), outerScope.end());
    std::unordered_set<std::string_view> local;
    local.reserve(graph.inputs.size() + graph.initializers.size());
    for (const auto& v : graph.inputs)
        local.insert(v.name);
    for (const auto& i : graph.initializers)
        local.insert(i.name);
    std::unordered_map<std::string_view, int> producer;
    producer.reserve(graph.nodes.size() + graph.nodes.size() / 2);
    for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
        const Node& n = graph.nodes[i];
        for (const auto& o : n.outputs) {
            if (o.empty())
                continue;
            auto [it, fresh] = producer.emplace(o, static_cast<int>(i));
            if (!fresh)
                throw Error("Duplicate output name " + quote(o) + ": both "
                            + nodeWhat(graph.nodes[static_cast<std::size_t>(it->second)]) + " and " + nodeWhat(n)
                            + " write it.");
            if (local.count(o))
                throw Error(nodeWhat(n, true) + " writes " + quote(o) + ", which is already a graph input or initializer.");
        }
    }
    // Kahn's algorithm over the nodes, by value dependencies; subgraph outer reads count as inputs.
    const std::size_t count = graph.nodes.size();
    std::vector<int> pending(count, 0);
    std::vector<std::vector<int>> users(count);
    std::vector<int> deps;
    for (std::size_t i = 0; i < count; ++i) {
        const Node& n = graph.nodes[i];
        deps.clear();
        auto read = [&](const std::string& in) {
            if (in.empty())
                return;
            auto it = producer.find(in);
            if (it != producer.end()) {
                if (std::find(deps.begin(), deps.end(), it->second) == deps.end()) {
                    deps.push_back(it->second);
                    users[static_cast<std::size_t>(it->second)].push_back(static_cast<int>(i));
                    ++pending[i];
                }
            } else if (!local.count(in) && !available.count(in)) {
                throw Error(nodeWhat(n, true) + " reads " + quote(in) + ", which no node, graph input or initializer provides.");
            }
        };
        for (const auto& in : n.inputs)
            read(in);
        for (const auto& sg : n.subgraphs)
            for (const auto& name : outerScopeReads(*sg.graph))
                read(name);
    }
    // Subgraphs see everything visible here.
    for (auto& n : graph.nodes) {
        if (n.subgraphs.empty())
            continue;
        std::vector<std::string> scope(outerScope.begin(), outerScope.end());
        for (const auto& name : local)
            scope.emplace_back(name);
        for (const auto& kv : producer)
            scope.emplace_back(kv.first);
        for (auto& sg : n.subgraphs) {
            auto copy = std::make_shared<Graph>(*sg.graph);
            validateGraph(*copy, scope);
            sg.graph = std::move(copy);
        }
    }
    std::vector<int> order;
    order.reserve(count);
    std::queue<int> ready;
    for (std::size_t i = 0; i < count; ++i)
        if (pending[i] == 0)
            ready.push(static_cast<int>(i));
    while (!ready.empty()) {
        // Keep file order among ready nodes: the queue is filled in index order.
        const int i = ready.front();
        ready.pop();
        order.push_back(i);
        for (int u : users[static_cast<std::size_t>(i)])
            if (--pending[static_cast<std::size_t>(u)] == 0)
                ready.push(u);
    }
    if (order.size() != count) {
        for (std::size_t i = 0; i < count; ++i)
            if (pending[i] > 0)
                throw Error("Graph " + quote(graph.name) + " has a cycle through " + nodeWhat(graph.nodes[i]) + ".");
    }
    for (const auto& o : graph.outputs)
        if (!producer.count(o.name) && !local.count(o.name) && !available.count(o.name))
            throw Error("Graph output " + quote(o.name) + " is not produced by any node, graph input or initializer.");
    // Last: moving the nodes invalidates the names the maps above look at.
    bool sorted = true;
    for (std::size_t i = 0; i < count; ++i)
        sorted = sorted && order[i] == static_cast<int>(i);
    if (!sorted) {
        std::vector<Node> nodes;
        nodes.reserve(count);
        for (int i : order)
            nodes.push_back(std::move(graph.nodes[static_cast<std::size_t>(i)]));
        graph.nodes = std::move(nodes);
    }
}

Model modelFromProto(onnx::ModelProto&& proto, const std::string& baseDir, const LoadOptions& options)
{
    if (!proto.has_graph())
        throw Error("it is not an ONNX model: it has no graph.");
    if (proto.ir_version() <= 0)
        throw Error("it is not an ONNX model: it has no IR version.");
    Model model;
    model.irVersion = proto.ir_version();
    for (const auto& o : proto.opset_import())
        model.opsets.push_back({o.domain() == "ai.onnx" ? std::string() : o.domain(), o.version()});
    model.producerName = proto.producer_name();
    model.producerVersion = proto.producer_version();
    model.domain = proto.domain();
    model.modelVersion = proto.model_version();
    model.docString = proto.doc_string();
    for (const auto& kv : proto.metadata_props())
        model.metadata.emplace_back(kv.key(), kv.value());
    model.baseDir = baseDir;
    Converter conv{baseDir};
    model.graph = std::move(*conv.graph(*proto.mutable_graph()));
    model.nextNodeId = conv.nextId;
    proto.clear_graph();
    if (proto.functions_size() > 0 || proto.training_info_size() > 0)
        model.extras = std::make_shared<const onnx::ModelProto>(std::move(proto));
    if (model.opsetVersion("") == 0 && model.opsets.empty())
        throw Error("it is not an ONNX model: it imports no opset.");
    validateGraph(model.graph);

    // Notes that do not stop the load.
    std::unordered_set<std::string> noted;
    std::function<void(const Graph&)> scan = [&](const Graph& g) {
        for (const auto& n : g.nodes) {
            if (!n.domain.empty() && model.opsetVersion(n.domain) == 0 && noted.insert("domain:" + n.domain).second)
                model.warnings.push_back("Domain " + quote(n.domain) + " (used by " + n.opType
                                         + ") is not imported by the model.");
            for (const auto& sg : n.subgraphs)
                scan(*sg.graph);
        }
        for (const auto& i : g.initializers)
            if (i.tensor->storage() == Tensor::Storage::External)
                checkExternalData(model, i.name, *i.tensor, options, noted);
    };
    scan(model.graph);
    return model;
}

Model modelFromBytes(const std::string& bytes, const LoadOptions& options)
{
    onnx::ModelProto proto;
    google::protobuf::io::ArrayInputStream raw(bytes.data(), static_cast<int>(bytes.size()));
    google::protobuf::io::CodedInputStream coded(&raw);
    coded.SetTotalBytesLimit(INT_MAX);
    if (!proto.ParseFromCodedStream(&coded) || !coded.ConsumedEntireMessage())
        throw Error("The bytes are not a valid ONNX model: the protobuf cannot be parsed.");
    return modelFromProto(std::move(proto), std::string(), options);
}

Model loadModel(const std::string& path, const LoadOptions& options)
{
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        throw Error("Cannot open " + quote(path) + ": " + std::strerror(errno) + ".");
    if (S_ISDIR(st.st_mode))
        throw Error("Cannot open " + quote(path) + ": it is a directory, not an ONNX file.");
    if (st.st_size == 0)
        throw Error("Cannot open " + quote(path) + ": the file is empty.");
    if (st.st_size >= INT_MAX)
        throw Error("Cannot open " + quote(path) + ": it is " + std::to_string(st.st_size / (1 << 20))
                    + " MB; ONNX files over 2 GB must keep their weights in external data.");
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        throw Error("Cannot open " + quote(path) + ": " + std::strerror(errno) + ".");
    onnx::ModelProto proto;
    bool parsed = false;
    {
        google::protobuf::io::FileInputStream raw(fd, 1 << 20);
        google::protobuf::io::CodedInputStream coded(&raw);
        coded.SetTotalBytesLimit(INT_MAX);
        parsed = proto.ParseFromCodedStream(&coded) && coded.ConsumedEntireMessage();
    }
    ::close(fd);
    if (!parsed)
        throw Error("Cannot open " + quote(path)
                    + ": it is not a valid ONNX model (the protobuf cannot be parsed; truncated or not ONNX).");
    const fs::path p(path);
    const std::string baseDir = p.has_parent_path() ? p.parent_path().string() : std::string(".");
    try {
        Model model = modelFromProto(std::move(proto), baseDir, options);
        model.sourcePath = path;
        return model;
    } catch (const Error& e) {
        throw Error("Cannot open " + quote(path) + ": " + e.what());
    }
}

void modelToProto(const Model& model, onnx::ModelProto& proto)
{
    modelHeaderToProto(model, proto);
    graphToProto(model.graph, *proto.mutable_graph());
}

void graphToProto(const Graph& graph, onnx::GraphProto& proto)
{
    graphToProtoWith(graph, proto, [](const Initializer& init, onnx::TensorProto& t) { init.tensor->toProto(t, init.name); });
}

std::string modelToBytes(const Model& model)
{
    onnx::ModelProto proto;
    modelToProto(model, proto);
    std::string out;
    if (!proto.SerializeToString(&out))
        throw Error("Cannot serialize the model (over 2 GB inline?).");
    return out;
}

void saveModel(const Model& model, const std::string& path, const SaveOptions& options)
{
    std::error_code ec;
    if (!options.overwriteInput && !model.sourcePath.empty() && fs::exists(path, ec)
        && fs::equivalent(path, model.sourcePath, ec))
        throw Error("Refusing to write over the input file " + quote(path) + "; choose another output.");
    checkWritableTarget(path);

    std::size_t totalBytes = 0;
    const bool hadExternal = anyExternal(model.graph, totalBytes);
    bool external = options.external == SaveOptions::External::Always;
    if (options.external == SaveOptions::External::Auto)
        external = hadExternal || totalBytes > (std::size_t(1800) << 20);
    const std::string dataName = fs::path(path).filename().string() + ".data";
    const std::string dataPath = (fs::path(path).has_parent_path() ? fs::path(path).parent_path() / dataName
                                                                     : fs::path(dataName)).string();

    // Never write over a file the model still reads (its external data), whatever --overwrite says.
    std::vector<std::string> reads;
    filesRead(model.graph, reads);
    for (const auto& r : reads) {
        if (fs::exists(path, ec) && fs::equivalent(path, r, ec))
            throw Error("Refusing to write " + quote(path) + ": the input model reads its weights from it.");
        if (external && fs::exists(dataPath, ec) && fs::equivalent(dataPath, r, ec))
            throw Error("Refusing to write " + quote(path) + ": its external data file " + quote(dataPath)
                        + " is the one the input model reads its weights from; choose another output name.");
    }
    if (external)
        checkWritableTarget(dataPath);
    removeStaleTemps(fs::path(path));
    if (external)
        removeStaleTemps(fs::path(dataPath));
    auto stage = [&](const char* name) {
        if (options.faultHook)
            options.faultHook(name);
    };

    onnx::ModelProto proto;
    modelHeaderToProto(model, proto);
    if (!external) {
        TempFile model_(path, [&](int fd) { return writeModelStreaming(model, fd); });
        stage("model-written");
        model_.commit();
        return;
    }
    // External data: tensors over the threshold go to <file>.data. Both files are written to temp
    // files first; then the data file, then the model, are renamed into place. If the second
    // rename fails, the old data file is put back, so the old pair still loads.
    std::vector<const Tensor*> pending;
    int64_t offset = 0;
    graphToProtoWith(model.graph, *proto.mutable_graph(), [&](const Initializer& init, onnx::TensorProto& t) {
        const Tensor& tensor = *init.tensor;
        if (tensor.dtype() == dtype::String || isPackedType(tensor.dtype()) || tensor.byteSize() < options.externalThreshold) {
            // Small tensors inline, decoded so no reference to the old file remains (4-bit ones
            // too: the data file holds netfold's one-byte-an-element layout, not their packing).
            if (tensor.dtype() == dtype::String)
                tensor.toProto(t, init.name);
            else
                Tensor(tensor.dtype(), tensor.dims(), tensor.bytes().toBytes()).toProto(t, init.name);
            return;
        }
        t.Clear();
        t.set_name(init.name);
        t.set_data_type(tensor.dtype());
        for (int64_t d : tensor.dims())
            t.add_dims(d);
        t.set_data_location(onnx::TensorProto::EXTERNAL);
        auto add = [&t](const std::string& k, const std::string& v) {
            auto* e = t.add_external_data();
            e->set_key(k);
            e->set_value(v);
        };
        add("location", dataName);
        add("offset", std::to_string(offset));
        add("length", std::to_string(tensor.byteSize()));
        offset += static_cast<int64_t>(tensor.byteSize());
        const int64_t pad = (4096 - offset % 4096) % 4096;
        offset += pad;
        pending.push_back(&tensor);
    });
    TempFile data(dataPath, [&](int fd) {
        int64_t written = 0;
        for (const Tensor* t : pending) {
            // Weights still in the input's data file are copied file to file (never held in
            // memory); computed ones are written from memory.
            if (!t->writeTo(fd))
                return false;
            written += static_cast<int64_t>(t->byteSize());
            const int64_t pad = (4096 - written % 4096) % 4096;
            if (pad) {
                std::vector<char> zeros(static_cast<std::size_t>(pad), 0);
                if (!writeAll(fd, zeros.data(), zeros.size()))
                    return false;
                written += pad;
            }
        }
        return true;
    });
    stage("data-written");
    TempFile modelFile(path, [&](int fd) {
        google::protobuf::io::FileOutputStream out(fd);
        return proto.SerializeToZeroCopyStream(&out) && out.Flush();
    });
    stage("model-written");
    // Keep the old data file reachable under a temp name until the model is in place.
    std::string backup;
    if (fs::exists(dataPath, ec)) {
        const fs::path dp(dataPath);
        backup = ((dp.has_parent_path() ? dp.parent_path() : fs::path(".")) / (tempPrefix(dp) + std::to_string(::getpid())
                                                                                 + "-old"))
                     .string();
        ::unlink(backup.c_str());
        if (::link(dataPath.c_str(), backup.c_str()) != 0)
            throw Error("Cannot write " + quote(dataPath) + ": " + std::strerror(errno) + ".");
    }
    data.commit();
    try {
        stage("data-renamed");
        modelFile.commit();
    } catch (...) {
        if (!backup.empty())
            ::rename(backup.c_str(), dataPath.c_str());
        else
            ::unlink(dataPath.c_str());
        throw;
    }
    if (!backup.empty())
        ::unlink(backup.c_str());
}

} // namespace netfold
