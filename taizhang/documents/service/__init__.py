"""Document use cases — the only document code that touches a Session. Each gathers rows through the
ledger, reporting and supervision services and models, hands them to a pure writer in
``taizhang.exports`` and records what left or entered in the audit trail."""

from taizhang.documents.service.ledger import LedgerFile, export_ledger, export_unit_ledger, ledger_book
from taizhang.documents.service.progress import ProgressImport, import_progress
from taizhang.documents.service.template import TemplateFile, progress_template

__all__ = ["LedgerFile", "ProgressImport", "TemplateFile", "export_ledger", "export_unit_ledger", "import_progress", "ledger_book",
           "progress_template"]
