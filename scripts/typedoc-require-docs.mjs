// TypeDoc plugin: every exported function, every public method of an exported class, and every
// member (property, method, accessor) of an exported interface or class must carry TSDoc. TypeDoc's own `requiredToBeDocumented: ["Function"]` also demands comments on every
// method signature of every interface; this keeps the bar at what a package exports, and reports
// through `validationWarning` so `treatValidationWarningsAsErrors` fails the build.
import { Application, ReflectionKind } from 'typedoc';

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.on(Application.EVENT_VALIDATE_PROJECT, (project) => {
    const candidates = [
      ...project.getReflectionsByKind(ReflectionKind.Function),
      ...project.getReflectionsByKind(ReflectionKind.Method).filter((method) => method.parent?.kindOf(ReflectionKind.Class) && !method.flags.isPrivate && !method.flags.isProtected && !method.inheritedFrom && !method.implementationOf),
      // Members of exported interfaces and classes: what a plugin author reads field by field.
      ...project
        .getReflectionsByKind(ReflectionKind.Property | ReflectionKind.Accessor | ReflectionKind.Method)
        .filter(
          (member) =>
            (member.parent?.kindOf(ReflectionKind.Interface) || member.parent?.kindOf(ReflectionKind.Class)) &&
            !member.flags.isPrivate && !member.flags.isProtected && !member.inheritedFrom && !member.implementationOf,
        ),
    ];
    const seen = new Set();
    for (const reflection of candidates) {
      if (seen.has(reflection.id)) continue;
      seen.add(reflection.id);
      const documented =
        reflection.hasComment() ||
        (reflection.signatures ?? []).some((signature) => signature.hasComment()) ||
        Boolean(reflection.getSignature?.hasComment() || reflection.setSignature?.hasComment());
      if (!documented) {
        app.logger.validationWarning(`${reflection.getFriendlyFullName()} (${ReflectionKind[reflection.kind]}) is exported without TSDoc`);
      }
    }
  });
}
