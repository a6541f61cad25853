// Chart.js with the matrix controller (heat maps), registered once and loaded only by the operator
// console (a chunk of its own).
import { Chart, registerables } from 'chart.js';
import { MatrixController, MatrixElement } from 'chartjs-chart-matrix';

Chart.register(...registerables, MatrixController, MatrixElement);
Chart.defaults.animation = false;
Chart.defaults.maintainAspectRatio = false;

export { Chart };
