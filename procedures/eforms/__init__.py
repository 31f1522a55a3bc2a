"""Interactive e-forms (P4): a versioned JSON field definition (``schema``), the Django form built
from it (``builder``), autofill from the citizen's identity and earlier forms (``autofill``), the
province / commune lists (``addresses``), the PDF in the legal layout (``pdf``) and the rules that
save a filled form (``services``)."""
