"""The models of the reporting app live in its feature packages; importing them here
registers them under the app label `reporting` (tables and migrations unchanged)."""

# --- activities and school buses (issue #16) ---
from .activities.models import (  # noqa: E402, F401
    Activity,
    ActivityApproval,
    ActivityEvent,
    ActivitySettings,
    ActivityVehicle,
    ActivityVersion,
    BusEscort,
    BusRoute,
    SchoolBus,
    SchoolBusDriver,
)

# The year-end safe-campus assessment (issue #19).
from .assessment.models import (  # noqa: E402, F401
    AssessmentEvidence,
    CountyScoring,
    Indicator,
    IndicatorGroup,
    IndicatorScore,
    Run,
    Scheme,
    SchoolAssessment,
)
from .incidents.models import (  # noqa: F401
    AccountabilityAction,
    ClosureItem,
    Incident,
    IncidentAttachment,
    IncidentEvent,
    IncidentReport,
    LateExplanation,
    PersonDealtWith,
    ReportingTimeLimit,
    SchoolVeto,
)
from .monthly.models import (  # noqa: F401
    MonthlyOverview,
    MonthlyReport,
    MonthlyReportEvent,
    MonthlyReportVersion,
    version_pdf_path,  # noqa: F401 - named by migration 0003
)

# Bureau supervision (issue #18).
from .notices.models import (  # noqa: E402, F401
    Notice,
    NoticeAttachment,
    NoticeReceipt,
    NoticeRecipient,
    NoticeReply,
)
from .orders.models import (  # noqa: E402, F401
    OrderEvidence,
    OrderReply,
    OrderSettings,
    RectificationOrder,
)
