#pragma once
#include "TensorView.h"
#include "model/Graph.h"

#include <QPointer>
#include <QStringList>
#include <QUrl>
#include <QWidget>

#include <vector>

class QLabel;
class QPushButton;
class QTextBrowser;

namespace netfold {

/// The sidebar that describes the selection, as Netron's does: for a node its op, name, domain
/// and opset, attributes, inputs and outputs (value, dtype, shape with symbolic dims, producer
/// and consumers as links), the shape-inference note, a status note set by the compare view and
/// the operator's ONNX documentation; for a value its type, producer, consumers and, for a
/// constant, a summary of the tensor with a way to open it in a TensorView.
/// It copies what it shows: the model and graph need not outlive the call.
class Inspector : public QWidget {
    Q_OBJECT
public:
    explicit Inspector(QWidget* parent = nullptr);
    ~Inspector() override;

    /// Describes a node of graph (the main graph or a subgraph of model); clears the status note.
    void showNode(const Model& model, const Graph& graph, NodeId node);
    /// Describes a value of graph (input, output, initializer or intermediate); clears the status note.
    void showValue(const Model& model, const Graph& graph, const std::string& valueName);
    /// Shows nothing ("Select a node ..."); clears the status note.
    void clear();
    /// A note shown under the header ("why kept / what happened"), plain text; "" hides it.
    /// Call it after showNode / showValue.
    void setStatusNote(const QString& note);
    QString statusNote() const { return m_note; }

    /// The node or value shown (kNoNode / "" when none).
    NodeId currentNode() const { return m_node; }
    QString currentValue() const { return m_value; }
    /// The main tensor of the selection (an initializer, a Constant's value), or nullptr;
    /// the "Open Tensor" button opens it.
    TensorPtr currentTensor() const { return m_tensor; }

    /// When true (the default) tensor links open a TensorView window besides emitting tensorRequested.
    void setOpensTensorWindows(bool on) { m_openWindows = on; }
    /// The last TensorView window it opened (nullptr once closed).
    TensorView* lastTensorWindow() const { return m_lastWindow; }

    /// The text shown, without markup (for tests and copying).
    QString plainText() const;
    /// The links on the page, as "node:<id>", "value:<name>", "subgraph:<id>:<attribute>",
    /// "tensor:<name>", "scope:<path>", in page order.
    QStringList links() const;
    /// Follows a link given as in links(); false when there is no such link.
    bool activateLink(const QString& target);
    QTextBrowser* browser() const { return m_browser; }

public slots:
    /// Emits tensorRequested and, unless disabled, opens the tensor in a TensorView window.
    void openTensor(const QString& name, netfold::TensorPtr tensor);

signals:
    /// A node link was followed (producer, consumer, a node that absorbed this one ...).
    void nodeActivated(netfold::NodeId id);
    /// A value link was followed.
    void valueActivated(const QString& name);
    /// A graph attribute link (If/Loop/Scan body) was followed.
    void openSubgraph(netfold::NodeId id, const QString& attribute);
    /// A part of the node's name scope was clicked (a breadcrumb): collapse that group.
    void scopeActivated(const QString& path);
    /// A tensor link or the Open Tensor button was used.
    void tensorRequested(const QString& name, netfold::TensorPtr tensor);

private:
    struct Link {
        enum Kind { Node, Value, Subgraph, Tensor, Scope } kind;
        NodeId node = kNoNode;
        QString name;
        TensorPtr tensor;
        QString target() const;
    };
    QString link(Link l, const QString& text, const QString& title = {});
    void render();
    void onAnchor(const QUrl& url);
    void reset();

    QTextBrowser* m_browser = nullptr;
    QWidget* m_buttonBar = nullptr;
    QPushButton* m_openTensor = nullptr;
    std::vector<Link> m_links;
    QString m_header;
    QString m_body;
    QString m_docMarkdown;
    QString m_note;
    NodeId m_node = kNoNode;
    QString m_value;
    TensorPtr m_tensor;
    QString m_tensorName;
    bool m_openWindows = true;
    QPointer<TensorView> m_lastWindow;
};

} // namespace netfold
