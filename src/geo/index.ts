/** The area the service covers: provinces and districts loaded from `src/geo/data/*.json`. */
export {
  defaultGeographyDataDir,
  GeographyDataError,
  loadGeography,
  type District,
  type Geography,
  type Province,
} from "./geography";
