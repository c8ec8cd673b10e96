"""Templates that import a macro library once per process, not once per macro call.

The GOV.UK macros import what they use inside their own bodies (`govukRadios` imports the
label, hint, fieldset, error message and attributes macros each time it is called). Jinja
then keeps the imported module, but first works out whether the calling page has globals the
imported template lacks, as a set difference against a `ChainMap` of globals: on the largest
form section that alone was 267 imports and about a tenth of the page's time. The globals of
every template here are the environment's, fixed once the app is made, so that question is
answered once per template."""

from __future__ import annotations

from jinja2 import Template
from jinja2.environment import TemplateModule
from jinja2.runtime import Context


class ImportOnceTemplate(Template):
    _globals_known: frozenset[str] | None = None

    def _get_default_module(self, ctx: Context | None = None) -> TemplateModule:
        if ctx is not None:
            known = self._globals_known
            if known is None:
                known = self._globals_known = frozenset(self.globals)
            if not ctx.globals_keys <= known:
                # The caller has globals of its own: Jinja makes a module that sees them.
                return super()._get_default_module(ctx)
        if self._module is None:
            self._module = self.make_module()
        return self._module
