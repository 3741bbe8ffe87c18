package org.openpcs.provider.local;

import java.util.Objects;
import org.openpcs.provider.Bootstrap;
import org.openpcs.provider.InstanceType;
import org.openpcs.provider.InstanceTypeCatalog;
import org.openpcs.provider.LaunchException;
import org.openpcs.provider.LaunchRequest;

/**
 * A launch request checked against what the local provider knows: its instance type, launch
 * template version and node image resolved (the template and image default when not given), and a
 * complete bootstrap. Anything unknown is a LAUNCH_ERROR that names it and what is known.
 */
record ResolvedLaunch(
    InstanceType type,
    String templateId,
    LaunchTemplates.Version version,
    NodeImages.NodeImage image,
    Bootstrap bootstrap) {

  static ResolvedLaunch of(
      LaunchRequest request,
      InstanceTypeCatalog catalog,
      LaunchTemplates templates,
      NodeImages images) {
    Objects.requireNonNull(request, "request");
    InstanceType type =
        catalog
            .find(request.instanceType())
            .orElseThrow(
                () ->
                    new LaunchException(
                        "LAUNCH_ERROR", "unknown instance type " + request.instanceType()));
    String templateId =
        request.launchTemplateId() == null ? templates.defaultId() : request.launchTemplateId();
    LaunchTemplates.Version version =
        templates
            .resolve(templateId, request.launchTemplateVersion())
            .orElseThrow(
                () ->
                    new LaunchException(
                        "LAUNCH_ERROR",
                        "unknown launch template "
                            + templateId
                            + " version "
                            + request.launchTemplateVersion()
                            + "; known: "
                            + templates.describeKnown()));
    String imageId = request.imageId() == null ? images.defaultId() : request.imageId();
    NodeImages.NodeImage image =
        images
            .find(imageId)
            .orElseThrow(
                () ->
                    new LaunchException(
                        "LAUNCH_ERROR",
                        "unknown node image " + imageId + "; known: " + images.describeKnown()));
    Bootstrap b = request.bootstrap();
    if (b == null || b.endpoint() == null || b.clusterId() == null || b.bootstrapId() == null) {
      throw new LaunchException("LAUNCH_ERROR", "the launch request has no complete bootstrap");
    }
    return new ResolvedLaunch(type, templateId, version, image, b);
  }
}
