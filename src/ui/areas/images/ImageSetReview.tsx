// The open set's findings and gallery together: the findings are worked out here from the worker's per-file
// facts, the labels and the split, and a finding's button filters the gallery to its images.
import { useMemo, useState } from 'react';
import { imageFindings, type ImageFacts } from '../../../core/images/findings';
import { NO_FILTER, splitTags, type GalleryFilter } from '../../../core/images/gallery';
import { useImageFindings } from '../../../state/image-findings-store';
import { useImages } from '../../../state/images-store';
import { ImageFindings } from './ImageFindings';
import { ImageGallery } from './ImageGallery';

export function ImageSetReview() {
  const files = useImages((s) => s.files);
  const labels = useImages((s) => s.labels);
  const split = useImages((s) => s.split);
  const checkedFiles = useImageFindings((s) => s.files);
  const inspection = useImageFindings((s) => s.facts);
  const [filter, setFilter] = useState<GalleryFilter>(NO_FILTER);
  const [filterFor, setFilterFor] = useState(labels);
  // A newly opened set starts unfiltered.
  if (filterFor !== labels) {
    setFilterFor(labels);
    setFilter(NO_FILTER);
  }

  const facts = useMemo<ImageFacts[] | null>(() => {
    if (!labels || checkedFiles !== files || !inspection || inspection.length !== labels.items.length)
      return null;
    return inspection.map((f, i) => ({ ...f, labels: labels.items[i]!.labels }));
  }, [labels, files, checkedFiles, inspection]);
  const findings = useMemo(
    () =>
      facts && labels
        ? imageFindings(facts, { task: labels.task, classNames: labels.classNames, split })
        : [],
    [facts, labels, split],
  );
  const tags = useMemo(() => splitTags(labels?.items.length ?? 0, split), [labels, split]);
  const unreadable = useMemo(
    () => new Set(facts?.flatMap((f, i) => (f.decodeError !== undefined ? [i] : [])) ?? []),
    [facts],
  );

  if (!labels) return null;
  return (
    <>
      <ImageFindings
        findings={findings}
        checked={facts ? facts.length : null}
        onShow={(key) => {
          setFilter({ ...NO_FILTER, quality: key });
          document.getElementById('images-gallery-title')?.scrollIntoView({ block: 'nearest' });
        }}
      />
      <ImageGallery
        files={files}
        labels={labels}
        tags={tags}
        findings={findings}
        unreadable={unreadable}
        filter={filter}
        onFilter={setFilter}
      />
    </>
  );
}
