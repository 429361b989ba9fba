// TypeDoc plugin: every exported function, and every public method of an exported class, must
// carry TSDoc. TypeDoc's own `requiredToBeDocumented: ["Function"]` also demands comments on every
// method signature of every interface; this keeps the bar at what a package exports, and reports
// through `validationWarning` so `treatValidationWarningsAsErrors` fails the build.
import { Application, ReflectionKind } from 'typedoc';

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.on(Application.EVENT_VALIDATE_PROJECT, (project) => {
    const candidates = [
      ...project.getReflectionsByKind(ReflectionKind.Function),
      ...project.getReflectionsByKind(ReflectionKind.Method).filter((method) => method.parent?.kindOf(ReflectionKind.Class) && !method.flags.isPrivate && !method.flags.isProtected && !method.inheritedFrom && !method.implementationOf),
    ];
    for (const reflection of candidates) {
      const documented = reflection.hasComment() || (reflection.signatures ?? []).some((signature) => signature.hasComment());
      if (!documented) {
        app.logger.validationWarning(`${reflection.getFriendlyFullName()} (${ReflectionKind[reflection.kind]}) is exported without TSDoc`);
      }
    }
  });
}
