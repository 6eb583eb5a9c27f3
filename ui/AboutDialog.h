#pragma once
#include "BuildInfo.h"

#include <QDialog>
#include <QIcon>

class QLabel;

namespace netfold {

/// Qt (in use, and built with) followed by ONNX, protobuf and Graphviz (libraryVersions()).
std::vector<ComponentVersion> runtimeVersions();
/// What `netfold --version` prints (and Help > About copies).
QString versionText();
/// netfold's icon, drawn from the bundled SVG at the usual sizes (no icon plugin needed).
QIcon appIcon();

/// Help > About: the version, the git commit and the versions of the libraries netfold runs
/// with, the same as `netfold --version`; "Copy" puts that text on the clipboard.
class AboutDialog : public QDialog {
    Q_OBJECT
public:
    explicit AboutDialog(QWidget* parent = nullptr);
    /// The text that "Copy" copies.
    QString text() const { return m_text; }

private:
    QString m_text;
};

} // namespace netfold
