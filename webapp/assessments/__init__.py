"""Form responses on an episode (assessment, checklist, plan and reviews, closure, TAC
records): storage, versions, pages built from the form definitions, and the facts the
workflow's conditions read from them."""
