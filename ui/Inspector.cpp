#include "Inspector.h"

#include "layout/Groups.h"

#include "BodyGraph.h"
#include "GraphStyle.h"
#include "TensorTableModel.h"
#include "TensorView.h"

#include "model/Constant.h"
#include "model/DataType.h"
#include "model/ModelSummary.h"
#include "shape/OpsetTable.h"
#include "shape/ShapeInference.h"

#include <onnx/defs/schema.h>
#include <onnx/onnx_pb.h>

#include <QHBoxLayout>
#include <QLocale>
#include <QPushButton>
#include <QScrollBar>
#include <QTextBrowser>
#include <QTextCursor>
#include <QTextDocument>
#include <QVBoxLayout>

#include <charconv>
#include <cmath>
#include <set>

namespace netfold {

namespace {

constexpr int kListLimit = 32;
constexpr int kLinkLimit = 12;
constexpr int64_t kPreviewElements = 16;

const char* kStyleSheet = R"(
p.h { color: #8c8c8c; font-size: small; font-weight: 600; margin-top: 0px; margin-bottom: 1px; }
td.k { color: #6b6b6b; padding-right: 10px; white-space: nowrap; }
td.v { }
span.t { color: #7a7a7a; }
span.m { font-family: monospace; }
span.w { color: #a15c00; }
a { color: #1a5fb4; text-decoration: none; }
)";

QString esc(const std::string& s) { return QString::fromStdString(s).toHtmlEscaped(); }

QString typeText(const ValueType& t) { return QString::fromStdString(t.toString()).toHtmlEscaped(); }

QString floatText(float v)
{
    if (std::isnan(v))
        return "NaN";
    if (std::isinf(v))
        return v > 0 ? "Inf" : "-Inf";
    char buf[48];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    return QString::fromLatin1(buf, static_cast<int>(r.ptr - buf));
}

/// A string attribute: text when it is valid UTF-8, else its byte count.
QString stringText(const std::string& s)
{
    const QByteArray bytes = QByteArray::fromStdString(s);
    const QString text = QString::fromUtf8(bytes);
    if (text.toUtf8() != bytes)
        return QObject::tr("(%1 bytes of binary data)").arg(bytes.size());
    return "\"" + text.toHtmlEscaped() + "\"";
}

template <class Seq, class Fn>
QString listText(const Seq& seq, Fn fn)
{
    QStringList parts;
    const int n = static_cast<int>(seq.size());
    for (int i = 0; i < n && i < kListLimit; ++i)
        parts << fn(seq[i]);
    QString s = "[" + parts.join(", ") + (n > kListLimit ? ", \u2026" : "") + "]";
    if (n > kListLimit)
        s += QObject::tr(" <span class=\"t\">(%1 values)</span>").arg(n);
    return s;
}

QString shapeText(const Tensor& t)
{
    QStringList parts;
    for (int64_t d : t.dims())
        parts << QString::number(d);
    return QString::fromStdString(dtypeName(t.dtype())) + "[" + parts.join(",") + "]";
}

/// The values of a small tensor ("[1, 2, 3]"), or "" when it has more than kPreviewElements.
QString previewText(const Tensor& t)
{
    if (t.numel() > kPreviewElements || t.numel() == 0 || !(t.dtype() == dtype::String || isNumericType(t.dtype())))
        return {};
    try {
        QStringList parts;
        for (int64_t i = 0; i < t.numel(); ++i) {
            QString v = TensorTableModel::formatElement(t, i);
            if (t.dtype() == dtype::String)
                v = "\"" + v + "\"";
            parts << v.toHtmlEscaped();
        }
        return t.rank() == 0 ? parts.value(0) : "[" + parts.join(", ") + "]";
    } catch (const std::exception& e) {
        return "<span class=\"w\">" + QString::fromStdString(e.what()).toHtmlEscaped() + "</span>";
    }
}

QString storageText(const Tensor& t)
{
    switch (t.storage()) {
    case Tensor::Storage::Typed: return QObject::tr("typed field");
    case Tensor::Storage::Raw: return QObject::tr("raw_data");
    case Tensor::Storage::External:
        return QObject::tr("external file %1, offset %2").arg(esc(t.externalPath())).arg(t.externalOffset());
    case Tensor::Storage::Computed: return QObject::tr("computed by netfold");
    }
    return {};
}

/// The tensor a Constant node produces, or nullptr (also when its value is malformed).
TensorPtr constantTensor(const Node& node)
{
    try {
        return constantValue(node);
    } catch (const std::exception&) {
        return nullptr;
    }
}

QString row(const QString& key, const QString& value, const QString& keyTitle = {})
{
    const QString k = keyTitle.isEmpty() ? key : "<span title=\"" + keyTitle.toHtmlEscaped() + "\">" + key + "</span>";
    return "<tr><td class=\"k\" valign=\"top\" width=\"84\">" + k + "</td><td class=\"v\">" + value + "</td></tr>";
}

/// A section heading row: the title in small capitals, then extra as it is.
QString section(const QString& title, const QString& extra = {})
{
    return "<tr><td colspan=\"2\" style=\"padding-top: 11px;\"><p class=\"h\">" + title.toUpper().toHtmlEscaped()
           + (extra.isEmpty() ? QString() : " <span style=\"font-weight: normal;\">&nbsp;" + extra.toHtmlEscaped() + "</span>")
           + "</p></td></tr>";
}

/// A full-width row of text.
QString paragraph(const QString& html) { return "<tr><td colspan=\"2\">" + html + "</td></tr>"; }

const QString kTable = "<table width=\"100%\" cellspacing=\"0\" cellpadding=\"2\">";

/// Who produces and reads each value of a graph, by node index.
struct Uses {
    std::unordered_map<std::string, int> producer;
    std::unordered_map<std::string, std::vector<int>> consumers;
    std::set<std::string> inputs, outputs;

    explicit Uses(const Graph& g)
    {
        for (std::size_t i = 0; i < g.nodes.size(); ++i) {
            const Node& n = g.nodes[i];
            for (const auto& o : n.outputs)
                if (!o.empty())
                    producer.emplace(o, static_cast<int>(i));
            std::set<std::string> seen;
            for (const auto& in : n.inputs)
                if (!in.empty() && seen.insert(in).second)
                    consumers[in].push_back(static_cast<int>(i));
            for (const auto& sg : n.subgraphs)
                if (sg.graph)
                    for (const auto& name : outerScopeReads(*sg.graph))
                        if (seen.insert(name).second)
                            consumers[name].push_back(static_cast<int>(i));
        }
        for (const auto& v : g.inputs)
            inputs.insert(v.name);
        for (const auto& v : g.outputs)
            outputs.insert(v.name);
    }
};

/// Documentation of an op version newer than ONNX 1.12 has, from netfold's table.
QString newerOpDocumentation(const OpsetOpInfo& info)
{
    QString b = section(Inspector::tr("Documentation"), QStringLiteral("%1-%2").arg(QString::fromStdString(info.op)).arg(info.sinceVersion));
    QString text = esc(info.summary);
    if (!info.change.empty())
        text += " <span class=\"t\">(" + Inspector::tr("opset %1: %2").arg(info.sinceVersion).arg(esc(info.change)) + ")</span>";
    b += paragraph(text);
    auto list = [&b](const QString& title, const std::vector<std::string>& items) {
        QStringList lines;
        for (const auto& item : items)
            lines << esc(item);
        if (!lines.isEmpty())
            b += row(title, "<span class=\"m\">" + lines.join("<br/>") + "</span>");
    };
    list(Inspector::tr("inputs"), info.inputs);
    list(Inspector::tr("outputs"), info.outputs);
    list(Inspector::tr("attributes"), info.attributes);
    list(Inspector::tr("types"), info.typeConstraints);
    b += paragraph("<span class=\"t\">"
                   + Inspector::tr("Signature from the ONNX operator changelog; ONNX 1.12 stops at opset %1, netfold "
                                   "infers this version with its own rule.")
                         .arg(knownOnnxOpset())
                   + "</span>");
    return b;
}

} // namespace

QString Inspector::Link::target() const
{
    switch (kind) {
    case Node: return QStringLiteral("node:%1").arg(node);
    case Value: return "value:" + name;
    case Subgraph: return QStringLiteral("subgraph:%1:").arg(node) + name;
    case Tensor: return "tensor:" + name;
    case Scope: return "scope:" + name;
    }
    return {};
}

Inspector::Inspector(QWidget* parent) : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    m_browser = new QTextBrowser(this);
    m_browser->setOpenLinks(false);
    m_browser->setOpenExternalLinks(false);
    m_browser->setFrameShape(QFrame::NoFrame);
    m_browser->document()->setDefaultStyleSheet(kStyleSheet);
    m_browser->document()->setDocumentMargin(8);
    layout->addWidget(m_browser, 1);
    m_buttonBar = new QWidget(this);
    auto* bar = new QHBoxLayout(m_buttonBar);
    bar->setContentsMargins(8, 4, 8, 6);
    m_openTensor = new QPushButton(tr("Open Tensor\u2026"), m_buttonBar);
    m_openTensor->setToolTip(tr("Show the values, statistics and histogram of this tensor"));
    bar->addWidget(m_openTensor);
    bar->addStretch(1);
    layout->addWidget(m_buttonBar);
    connect(m_openTensor, &QPushButton::clicked, this, [this] {
        if (m_tensor)
            openTensor(m_tensorName, m_tensor);
    });
    connect(m_browser, &QTextBrowser::anchorClicked, this, &Inspector::onAnchor);
    clear();
}

Inspector::~Inspector() = default;

void Inspector::reset()
{
    m_links.clear();
    m_header.clear();
    m_body.clear();
    m_docMarkdown.clear();
    m_note.clear();
    m_node = kNoNode;
    m_value.clear();
    m_tensor.reset();
    m_tensorName.clear();
}

QString Inspector::link(Link l, const QString& text, const QString& title)
{
    const QString href = QStringLiteral("nf:%1").arg(m_links.size());
    m_links.push_back(std::move(l));
    return "<a href=\"" + href + "\"" + (title.isEmpty() ? QString() : " title=\"" + title.toHtmlEscaped() + "\"") + ">"
           + text + "</a>";
}

void Inspector::clear()
{
    reset();
    m_body = "<p style=\"color:#8c8c8c; margin-top: 16px;\" align=\"center\">" + tr("Select a node or a value to see its details.")
             + "</p>";
    render();
}

void Inspector::setStatusNote(const QString& note)
{
    m_note = note;
    render();
}

void Inspector::showNode(const Model& model, const Graph& graph, NodeId id)
{
    reset();
    const Node* node = graph.findNode(id);
    if (!node) {
        m_body = "<p>" + tr("Node #%1 is not in this graph.").arg(id) + "</p>";
        render();
        return;
    }
    m_node = id;
    const Uses uses(graph);
    const std::string domain = node->domain == "ai.onnx" ? std::string() : node->domain;
    const int64_t opset = model.opsetVersion(domain);
    const onnx::OpSchema* schema = nullptr;
    try {
        schema = onnx::OpSchemaRegistry::Schema(node->opType, static_cast<int>(opset > 0 ? opset : knownOnnxOpset()), domain);
    } catch (const std::exception&) {
        schema = nullptr;
    }

    const GraphStyle& style = GraphStyle::standard();
    const GraphStyle::Category& cat = style.category(style.categoryOf(QString::fromStdString(node->opType)));
    QString h;
    h += "<table width=\"100%\" cellspacing=\"0\" cellpadding=\"6\"><tr><td bgcolor=\"" + cat.title.name() + "\">"
         + "<span style=\"color:" + cat.text.name() + "; font-size: large; font-weight: 600;\">" + esc(node->opType)
         + "</span>" + (domain.empty() ? QString() : "<span style=\"color:" + cat.text.name() + ";\"> &nbsp;" + esc(domain) + "</span>")
         + "</td></tr></table>";

    auto nodeLink = [&](int index) {
        const Node& n = graph.nodes[static_cast<std::size_t>(index)];
        return link({Link::Node, n.id, {}, {}}, esc(n.label()), QString::fromStdString(n.opType)) + " <span class=\"t\">"
               + esc(n.opType) + "</span>";
    };

    QString b = kTable;
    b += row(tr("name"), node->name.empty() ? "<span class=\"t\">" + tr("(unnamed)") + "</span>" : esc(node->name));
    // The name scope as a breadcrumb: each part collapses that group in the view.
    if (const std::vector<std::string> scopes = nameScopes(node->name); !scopes.empty()) {
        QStringList parts;
        std::string path;
        for (const std::string& part : scopes) {
            path += (path.empty() ? "" : "/") + part;
            const QString p = QString::fromStdString(path);
            parts << link({Link::Scope, kNoNode, p, {}}, esc(part), tr("Collapse '%1' in the view").arg(p));
        }
        b += row(tr("scope"), parts.join(QStringLiteral(" \u203A ")));
    }
    b += row(tr("id"), QStringLiteral("#%1").arg(id));
    b += row(tr("domain"), domain.empty() ? QStringLiteral("ai.onnx") : esc(domain));
    b += row(tr("opset"), opset > 0 ? QString::number(opset) : "<span class=\"w\">" + tr("not imported") + "</span>");
    if (node->proto && !node->proto->doc_string().empty())
        b += row(tr("doc"), esc(node->proto->doc_string()));

    // Attributes.
    if (node->proto && node->proto->attribute_size() > 0) {
        b += section(tr("Attributes")) ;
        for (const onnx::AttributeProto& a : node->proto->attribute()) {
            QString value;
            if (!a.ref_attr_name().empty()) {
                value = "<span class=\"t\">" + tr("refers to function attribute %1").arg(esc(a.ref_attr_name())) + "</span>";
            } else {
                switch (a.type()) {
                case onnx::AttributeProto::FLOAT: value = floatText(a.f()); break;
                case onnx::AttributeProto::INT: value = QString::number(a.i()); break;
                case onnx::AttributeProto::STRING: value = stringText(a.s()); break;
                case onnx::AttributeProto::FLOATS: value = listText(a.floats(), [](float f) { return floatText(f); }); break;
                case onnx::AttributeProto::INTS:
                    value = listText(a.ints(), [](int64_t i) { return QString::number(i); });
                    break;
                case onnx::AttributeProto::STRINGS:
                    value = listText(a.strings(), [](const std::string& s) { return stringText(s); });
                    break;
                case onnx::AttributeProto::TENSOR: {
                    TensorPtr t;
                    try {
                        t = node->attrTensor(a.name());
                    } catch (const std::exception& e) {
                        value = "<span class=\"w\">" + QString::fromStdString(e.what()).toHtmlEscaped() + "</span>";
                    }
                    if (t) {
                        const QString name = QString::fromStdString(node->label() + "." + a.name());
                        value = link({Link::Tensor, id, name, t}, shapeText(*t).toHtmlEscaped(), tr("Open in the tensor view"));
                        const QString preview = previewText(*t);
                        if (!preview.isEmpty())
                            value += " &nbsp;<span class=\"m\">" + preview + "</span>";
                    }
                    break;
                }
                case onnx::AttributeProto::TENSORS: {
                    QStringList parts;
                    for (int i = 0; i < a.tensors_size(); ++i) {
                        try {
                            auto t = std::make_shared<const Tensor>(std::make_shared<onnx::TensorProto>(a.tensors(i)), model.baseDir);
                            const QString name = QString::fromStdString(node->label() + "." + a.name()) + QStringLiteral("[%1]").arg(i);
                            parts << link({Link::Tensor, id, name, t}, shapeText(*t).toHtmlEscaped());
                        } catch (const std::exception& e) {
                            parts << "<span class=\"w\">" + QString::fromStdString(e.what()).toHtmlEscaped() + "</span>";
                        }
                    }
                    value = "[" + parts.join(", ") + "]";
                    break;
                }
                case onnx::AttributeProto::GRAPH:
                case onnx::AttributeProto::GRAPHS: {
                    std::size_t nodes = 0;
                    for (const auto& sg : node->subgraphs)
                        if (sg.attribute == a.name() && sg.graph)
                            nodes += sg.graph->nodes.size();
                    const QString label = a.type() == onnx::AttributeProto::GRAPH
                                              ? tr("graph %1").arg(a.g().name().empty() ? QString() : "'" + esc(a.g().name()) + "'")
                                              : tr("%1 graphs").arg(a.graphs_size());
                    value = link({Link::Subgraph, id, QString::fromStdString(a.name()), {}}, label.simplified(),
                                 tr("Open the subgraph"))
                            + " <span class=\"t\">" + (nodes == 1 ? tr("1 node") : tr("%1 nodes").arg(nodes)) + "</span>";
                    break;
                }
                case onnx::AttributeProto::SPARSE_TENSOR: value = tr("sparse tensor"); break;
                case onnx::AttributeProto::SPARSE_TENSORS: value = tr("%1 sparse tensors").arg(a.sparse_tensors_size()); break;
                case onnx::AttributeProto::TYPE_PROTO: value = tr("type"); break;
                case onnx::AttributeProto::TYPE_PROTOS: value = tr("%1 types").arg(a.type_protos_size()); break;
                default: value = "<span class=\"t\">" + tr("(undefined)") + "</span>"; break;
                }
            }
            QString description;
            if (schema) {
                const auto& attrs = schema->attributes();
                const auto it = attrs.find(a.name());
                if (it != attrs.end())
                    description = QString::fromStdString(it->second.description).simplified();
            }
            b += row(esc(a.name()), value, description);
        }
    }

    // Inputs and outputs.
    auto formalName = [](const std::vector<onnx::OpSchema::FormalParameter>& formals, std::size_t i, const char* fallback) {
        if (formals.empty())
            return QStringLiteral("%1 %2").arg(fallback).arg(i);
        if (i < formals.size())
            return QString::fromStdString(formals[i].GetName());
        if (formals.back().GetOption() == onnx::OpSchema::Variadic)
            return QString::fromStdString(formals.back().GetName()) + QStringLiteral("[%1]").arg(i - formals.size() + 1);
        return QStringLiteral("%1 %2").arg(fallback).arg(i);
    };
    auto formalTitle = [](const std::vector<onnx::OpSchema::FormalParameter>& formals, std::size_t i) {
        if (formals.empty())
            return QString();
        const auto& f = formals[std::min(i, formals.size() - 1)];
        return QString::fromStdString(f.GetTypeStr() + ": " + f.GetDescription()).simplified();
    };
    static const std::vector<onnx::OpSchema::FormalParameter> none;
    if (!node->inputs.empty()) {
        b += section(tr("Inputs")) ;
        for (std::size_t i = 0; i < node->inputs.size(); ++i) {
            const std::string& v = node->inputs[i];
            const QString label = formalName(schema ? schema->inputs() : none, i, "input");
            const QString title = formalTitle(schema ? schema->inputs() : none, i);
            if (v.empty()) {
                b += row(label.toHtmlEscaped(), "<span class=\"t\">" + tr("(omitted)") + "</span>", title);
                continue;
            }
            QStringList origin;
            if (const Initializer* init = graph.findInitializer(v)) {
                origin << tr("initializer") + " " + link({Link::Tensor, kNoNode, QString::fromStdString(v), init->tensor}, tr("view"),
                                                         tr("Open in the tensor view"));
            } else if (auto p = uses.producer.find(v); p != uses.producer.end()) {
                const Node& prod = graph.nodes[static_cast<std::size_t>(p->second)];
                QString from = tr("from %1").arg(nodeLink(p->second));
                if (TensorPtr t = constantTensor(prod)) {
                    const QString preview = previewText(*t);
                    if (!preview.isEmpty())
                        from += " = <span class=\"m\">" + preview + "</span>";
                }
                origin << from;
            } else if (uses.inputs.count(v)) {
                origin << tr("graph input");
            } else {
                origin << tr("from the enclosing graph");
            }
            b += row(label.toHtmlEscaped(),
                     link({Link::Value, kNoNode, QString::fromStdString(v), {}}, esc(v)) + "<br/><span class=\"t\">"
                         + typeText(graph.typeOf(v)) + "</span> &nbsp;<span class=\"t\">" + origin.join(", ") + "</span>",
                     title);
        }
    }
    if (!node->outputs.empty()) {
        b += section(tr("Outputs")) ;
        for (std::size_t i = 0; i < node->outputs.size(); ++i) {
            const std::string& v = node->outputs[i];
            const QString label = formalName(schema ? schema->outputs() : none, i, "output");
            const QString title = formalTitle(schema ? schema->outputs() : none, i);
            if (v.empty()) {
                b += row(label.toHtmlEscaped(), "<span class=\"t\">" + tr("(omitted)") + "</span>", title);
                continue;
            }
            QStringList to;
            if (auto c = uses.consumers.find(v); c != uses.consumers.end()) {
                const auto& list = c->second;
                for (std::size_t k = 0; k < list.size() && k < static_cast<std::size_t>(kLinkLimit); ++k)
                    to << nodeLink(list[k]);
                if (list.size() > static_cast<std::size_t>(kLinkLimit))
                    to << tr("and %1 more").arg(list.size() - kLinkLimit);
            }
            QString where = to.isEmpty() ? QString() : tr("to %1").arg(to.join(", "));
            if (uses.outputs.count(v))
                where += (where.isEmpty() ? QString() : ", ") + tr("graph output");
            if (where.isEmpty())
                where = tr("unused");
            b += row(label.toHtmlEscaped(),
                     link({Link::Value, kNoNode, QString::fromStdString(v), {}}, esc(v)) + "<br/><span class=\"t\">"
                         + typeText(graph.typeOf(v)) + "</span> &nbsp;<span class=\"t\">" + where + "</span>",
                     title);
        }
    }

    // A Constant's value.
    if (TensorPtr t = constantTensor(*node)) {
        m_tensor = t;
        m_tensorName = QString::fromStdString(node->outputs.empty() ? node->label() : node->outputs[0]);
    }

    if (auto n = graph.inferenceNotes.find(id); n != graph.inferenceNotes.end())
        b += section(tr("Shape inference")) + paragraph("<span class=\"w\">" + esc(n->second) + "</span>");

    // Documentation.
    const OpsetOpInfo* newer = domain.empty() && opset > knownOnnxOpset() ? newerOpVersion(node->opType, static_cast<int>(opset)) : nullptr;
    if (newer) {
        b += newerOpDocumentation(*newer);
    } else if (schema) {
        const QString version = QStringLiteral("%1-%2").arg(QString::fromStdString(schema->Name())).arg(schema->SinceVersion());
        QString caveat;
        if (domain.empty() && opset > knownOnnxOpset())
            caveat = tr("ONNX 1.12 knows ai.onnx up to opset %1; the model imports opset %2. This is %3, the newest "
                        "version ONNX 1.12 has.")
                         .arg(knownOnnxOpset())
                         .arg(opset)
                         .arg(version);
        if (schema->Deprecated())
            caveat += (caveat.isEmpty() ? QString() : " ") + tr("This operator is deprecated.");
        b += section(tr("Documentation"), version);
        if (!caveat.isEmpty())
            b += paragraph("<span class=\"w\">" + caveat.toHtmlEscaped() + "</span>");
        m_docMarkdown = schema->doc() ? QString::fromUtf8(schema->doc()).trimmed() : QString();
        if (m_docMarkdown.isEmpty())
            b += paragraph("<span class=\"t\">" + tr("ONNX has no documentation for this operator.") + "</span>");
    } else {
        b += section(tr("Documentation"));
        const QString op = QString::fromStdString(domain.empty() ? node->opType : domain + ":" + node->opType);
        b += paragraph("<span class=\"t\">"
                       + (domain.empty() || domain == "ai.onnx.ml"
                              ? tr("ONNX 1.12 has no schema for %1 at opset %2.").arg(op.toHtmlEscaped()).arg(opset)
                              : tr("No ONNX schema for %1: domain '%2' is not an ONNX domain.").arg(op.toHtmlEscaped(), esc(domain)))
                       + "</span>");
    }
    m_header = h;
    m_body = b + "</table>";
    render();
}

void Inspector::showValue(const Model& model, const Graph& graph, const std::string& name)
{
    reset();
    (void)model;
    m_value = QString::fromStdString(name);
    const Uses uses(graph);
    const Initializer* init = graph.findInitializer(name);
    const auto prod = uses.producer.find(name);
    const Node* producer = prod != uses.producer.end() ? &graph.nodes[static_cast<std::size_t>(prod->second)] : nullptr;
    TensorPtr tensor = init ? init->tensor : producer ? constantTensor(*producer) : nullptr;

    QStringList kinds;
    bool outer = false;
    for (const ValueInfo& v : graph.inputs)
        outer = outer || (v.name == name && v.docString == kOuterScopeDoc);
    if (outer)
        kinds << tr("from the enclosing graph");
    else if (uses.inputs.count(name))
        kinds << tr("graph input");
    if (uses.outputs.count(name))
        kinds << tr("graph output");
    if (init)
        kinds << tr("initializer");
    if (producer && tensor)
        kinds << tr("constant");
    if (kinds.isEmpty())
        kinds << (producer ? tr("intermediate") : tr("from the enclosing graph"));

    QString h = "<table width=\"100%\" cellspacing=\"0\" cellpadding=\"6\"><tr><td bgcolor=\"#e8e8e8\">"
                "<span style=\"color:#333333; font-size: large; font-weight: 600;\">"
                + tr("Value") + "</span> <span style=\"color:#555555;\">&nbsp;" + kinds.join(", ") + "</span></td></tr></table>";
    auto nodeLink = [&](int index) {
        const Node& n = graph.nodes[static_cast<std::size_t>(index)];
        return link({Link::Node, n.id, {}, {}}, esc(n.label()), QString::fromStdString(n.opType)) + " <span class=\"t\">"
               + esc(n.opType) + "</span>";
    };
    QString b = kTable;
    b += row(tr("name"), esc(name));
    b += row(tr("type"), typeText(graph.typeOf(name)));
    if (producer)
        b += row(tr("producer"), nodeLink(prod->second));
    QStringList readers;
    if (auto c = uses.consumers.find(name); c != uses.consumers.end()) {
        for (std::size_t k = 0; k < c->second.size() && k < static_cast<std::size_t>(kLinkLimit); ++k)
            readers << nodeLink(c->second[k]);
        if (c->second.size() > static_cast<std::size_t>(kLinkLimit))
            readers << tr("and %1 more").arg(c->second.size() - kLinkLimit);
    }
    b += row(tr("consumers"), readers.isEmpty() ? "<span class=\"t\">" + tr("none") + "</span>" : readers.join("<br/>"));
    for (const auto* list : {&graph.inputs, &graph.outputs})
        for (const ValueInfo& v : *list)
            if (v.name == name && !v.docString.empty() && !outer)
                b += row(tr("doc"), esc(v.docString));

    if (tensor) {
        m_tensor = tensor;
        m_tensorName = m_value;
        const Tensor& t = *tensor;
        b += section(tr("Tensor")) ;
        b += row(tr("type"), link({Link::Tensor, kNoNode, m_value, tensor}, shapeText(t).toHtmlEscaped(), tr("Open in the tensor view")));
        b += row(tr("elements"), QLocale().toString(static_cast<qlonglong>(t.numel())));
        if (t.dtype() != dtype::String)
            b += row(tr("size"), QString::fromStdString(formatBytes(t.byteSize())));
        b += row(tr("storage"), storageText(t));
        const QString preview = previewText(t);
        if (!preview.isEmpty())
            b += row(tr("values"), "<span class=\"m\">" + preview + "</span>");
    }
    m_header = h;
    m_body = b + "</table>";
    render();
}

void Inspector::render()
{
    QString html = "<html><body>" + m_header;
    if (!m_note.isEmpty())
        html += "<table width=\"100%\" cellspacing=\"0\" cellpadding=\"6\" style=\"margin-top: 6px;\"><tr><td bgcolor=\"#fff4d6\">"
                + m_note.toHtmlEscaped().replace('\n', "<br/>") + "</td></tr></table>";
    html += m_body + "</body></html>";
    m_browser->setHtml(html);
    if (!m_docMarkdown.isEmpty()) {
        QTextCursor c(m_browser->document());
        c.movePosition(QTextCursor::End);
        QTextBlockFormat block;
        block.setTopMargin(6);
        c.insertBlock(block, QTextCharFormat());
        c.insertMarkdown(m_docMarkdown);
    }
    m_browser->verticalScrollBar()->setValue(0);
    m_buttonBar->setVisible(m_tensor != nullptr);
}

void Inspector::onAnchor(const QUrl& url)
{
    if (url.scheme() != QLatin1String("nf"))
        return;
    bool ok = false;
    const int i = url.path().toInt(&ok);
    if (!ok || i < 0 || i >= static_cast<int>(m_links.size()))
        return;
    const Link l = m_links[static_cast<std::size_t>(i)];
    switch (l.kind) {
    case Link::Node: emit nodeActivated(l.node); break;
    case Link::Value: emit valueActivated(l.name); break;
    case Link::Subgraph: emit openSubgraph(l.node, l.name); break;
    case Link::Tensor: openTensor(l.name, l.tensor); break;
    case Link::Scope: emit scopeActivated(l.name); break;
    }
}

void Inspector::openTensor(const QString& name, TensorPtr tensor)
{
    if (!tensor)
        return;
    emit tensorRequested(name, tensor);
    if (!m_openWindows)
        return;
    if (m_lastWindow && m_lastWindow->tensor() == tensor) {
        m_lastWindow->raise();
        m_lastWindow->activateWindow();
        return;
    }
    m_lastWindow = TensorView::openWindow(tensor, name, this);
}

QString Inspector::plainText() const { return m_browser->toPlainText(); }

QStringList Inspector::links() const
{
    QStringList out;
    for (const Link& l : m_links)
        out << l.target();
    return out;
}

bool Inspector::activateLink(const QString& target)
{
    for (std::size_t i = 0; i < m_links.size(); ++i) {
        if (m_links[i].target() == target) {
            onAnchor(QUrl(QStringLiteral("nf:%1").arg(i)));
            return true;
        }
    }
    return false;
}

} // namespace netfold
